"""The Rekognition demo (`foia demo`): data, its released PDF and the small PDF writer that makes it.

Nothing in the app's domains imports the demo; it uses their services like any other caller.
"""

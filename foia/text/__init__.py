"""Text machinery every domain shares: charsets, HTML to text, cleaning, file names and type sniffing.

Mail parsing, ingest, document extraction and search all read text from bytes someone else wrote;
each rule about it lives here once.
"""

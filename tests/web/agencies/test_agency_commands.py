"""`foia agencies import` and `foia agencies list` through the CLI runner."""
import json

CSV = """name,jurisdiction,abbreviation,foia_email
Orlando Police Department,fl,OPD,records@orlando.gov
Washington County Sheriff's Office,or,WCSO,pra@co.washington.or.us
Nowhere Police,Atlantis,,
,fl,,
"""


def test_import_prints_the_report_with_rejected_rows(runner, tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text(CSV, encoding="utf-8")
    result = runner.invoke(args=["agencies", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged, 2 rejected." in result.output
    assert "row 4: unknown jurisdiction “Atlantis”" in result.output
    assert "row 5: missing name" in result.output

    again = runner.invoke(args=["agencies", "import", str(path), "--json"])
    assert json.loads(again.output) == {"created": 0, "updated": 0, "skipped": 2, "rejected": [
        {"row": 4, "reason": "unknown jurisdiction “Atlantis”"}, {"row": 5, "reason": "missing name"}]}

    listed = json.loads(runner.invoke(args=["agencies", "list", "--json"]).output)
    assert [(row["name"], row["jurisdiction"], row["email"]) for row in listed] == [
        ("Orlando Police Department", "fl", "records@orlando.gov"),
        ("Washington County Sheriff's Office", "or", "pra@co.washington.or.us")]
    text = runner.invoke(args=["agencies", "list", "--jurisdiction", "or"]).output
    assert "Washington County" in text and "Orlando" not in text


def test_import_refuses_a_missing_file_or_a_file_that_is_not_a_csv(runner, tmp_path):
    missing = runner.invoke(args=["agencies", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code != 0 and "no such file" in missing.output
    assert len(missing.output.strip().splitlines()) == 1

    no_name = tmp_path / "wrong.csv"
    no_name.write_text("agency,state\nOPD,fl\n", encoding="utf-8")
    result = runner.invoke(args=["agencies", "import", str(no_name)])
    assert result.exit_code != 0 and "'name' column" in result.output

    binary = tmp_path / "scan.csv"
    binary.write_bytes(b"%PDF-1.7\n\xff\xfe\x00binary")
    result = runner.invoke(args=["agencies", "import", str(binary)])
    assert result.exit_code != 0 and "not a CSV" in result.output
    assert "0 created" not in runner.invoke(args=["agencies", "list"]).output

"""The offline check of a decision's dossier: pure Python, no Django, no database.

    python -m decisions.dossier.check FILE.zip
    python manage.py dossier_verify FILE.zip

It checks that the manifest is the one its seal names, that every file is listed with its size
and SHA-256 and nothing else lies in the ZIP, that each draft version's text and attachments
give the version's seal, and that each event hashes to its stored hash and links to the event
before it. The two canonical rules are copied from the application on purpose, so that this
module runs anywhere; a test keeps the copies equal to the originals.
"""

import hashlib
import json
import sys
import zipfile
from dataclasses import dataclass, field

GENESIS_HASH = "0" * 64
SEALED = ("manifest.json", "manifest.sha256")


def draft_sha256(text: str, attachments: list[tuple[str, str]]) -> str:
    """Copy of ``decisions.records.drafts.draft_sha256``: the seal of a draft version."""
    canonical = json.dumps(
        {"text": text, "attachments": sorted([name, digest] for name, digest in attachments)},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_hash(fields: dict) -> str:
    """Copy of ``decisions.audit.canonical``: an event's hash over its fields."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class DossierReport:
    problems: list[str] = field(default_factory=list)
    files: int = 0
    versions: int = 0
    attachments: int = 0
    events: int = 0
    decision: object = None
    manifest_sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (f"OK: dossier of decision {self.decision}, manifest {self.manifest_sha256}; "
                f"{self.files} files, {self.versions} draft versions, {self.attachments} "
                f"attachments, {self.events} events verified")


def check_dossier(path) -> DossierReport:
    """Every problem of the dossier at ``path`` (a file name or a binary file object)."""
    report = DossierReport()
    try:
        with zipfile.ZipFile(path) as archive:
            _check(archive, report)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        report.problems.append(f"not a readable ZIP file: {error}")
    return report


def _check(archive: zipfile.ZipFile, report: DossierReport) -> None:
    names = archive.namelist()
    duplicates = sorted({name for name in names if names.count(name) > 1})
    for name in duplicates:
        report.problems.append(f"{name}: appears more than once in the ZIP")
    contents: dict[str, bytes] = {}
    for name in dict.fromkeys(names):
        try:
            contents[name] = archive.read(name)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
            report.problems.append(f"{name}: cannot be read from the ZIP ({error})")
    manifest = _manifest(contents, report)
    if manifest is None:
        return
    report.decision = manifest.get("decision")
    listed = {}
    for entry in manifest.get("files", []):
        path = entry.get("path")
        listed[path] = entry
        content = contents.get(path)
        if content is None:
            report.problems.append(f"{path}: listed in the manifest but missing")
            continue
        if len(content) != entry.get("size"):
            report.problems.append(f"{path}: {len(content)} bytes, the manifest says "
                                   f"{entry.get('size')}")
        if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            report.problems.append(f"{path}: its SHA-256 differs from the manifest's "
                                   "(the file was altered)")
    for name in contents:
        if name not in listed and name not in SEALED:
            report.problems.append(f"{name}: in the ZIP but not listed in the manifest")
    report.files = len(listed)
    record = _json_member(contents, "decision.json", report)
    events = _json_member(contents, "events.json", report)
    if record is not None:
        _check_versions(record, contents, report)
    if events is not None:
        _check_events(events, record, manifest, report)


def _manifest(contents: dict[str, bytes], report: DossierReport) -> dict | None:
    manifest_bytes, seal = contents.get("manifest.json"), contents.get("manifest.sha256")
    if manifest_bytes is None or seal is None:
        report.problems.append("manifest.json or manifest.sha256 is missing")
        return None
    digest = hashlib.sha256(manifest_bytes).hexdigest()
    report.manifest_sha256 = digest
    sealed = seal.decode("ascii", "replace").split()
    if not sealed or sealed[0] != digest:
        report.problems.append("manifest.json: its SHA-256 differs from manifest.sha256 "
                               "(the manifest or its seal was altered)")
    try:
        return json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report.problems.append(f"manifest.json: not valid JSON ({error})")
        return None


def _json_member(contents: dict[str, bytes], name: str, report: DossierReport):
    if name not in contents:
        report.problems.append(f"{name}: missing")
        return None
    try:
        return json.loads(contents[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report.problems.append(f"{name}: not valid JSON ({error})")
        return None


def _check_versions(record: dict, contents: dict[str, bytes], report: DossierReport) -> None:
    for version in record.get("versions", []):
        number = version.get("number")
        text_bytes = contents.get(version.get("text", ""))
        if text_bytes is None:
            report.problems.append(f"version {number}: its text {version.get('text')} is "
                                   "missing")
            continue
        seal_parts = []
        for attachment in version.get("attachments", []):
            report.attachments += 1
            content = contents.get(attachment.get("path", ""))
            if content is None:
                report.problems.append(f"version {number}: attachment {attachment.get('name')} "
                                       "is missing (lost from the storage at export?)")
            elif hashlib.sha256(content).hexdigest() != attachment.get("sha256"):
                report.problems.append(f"{attachment.get('path')}: differs from the file "
                                       f"uploaded for version {number}")
            seal_parts.append((attachment.get("name"), attachment.get("sha256")))
        try:
            text = text_bytes.decode("utf-8")
        except UnicodeDecodeError:
            report.problems.append(f"{version.get('text')}: not UTF-8 text")
            continue
        if draft_sha256(text, seal_parts) != version.get("sha256"):
            report.problems.append(f"{version.get('text')}: the text and attachments do not "
                                   f"give the seal of version {number}")
        report.versions += 1


def _check_events(events: list, record: dict | None, manifest: dict,
                  report: DossierReport) -> None:
    previous = None
    seals = {}
    for event in events:
        fields = {key: value for key, value in event.items() if key != "hash"}
        sequence = event.get("sequence")
        if event_hash(fields) != event.get("hash"):
            report.problems.append(f"events.json: event #{sequence} does not match its hash "
                                   "(the event was altered)")
        if previous is not None:
            if not isinstance(sequence, int) or sequence <= previous["sequence"]:
                report.problems.append(f"events.json: event #{sequence} is out of order")
            elif sequence == previous["sequence"] + 1 and event.get("prev_hash") != previous[
                    "hash"]:
                report.problems.append(f"events.json: event #{sequence} does not link to "
                                       f"event #{previous['sequence']}")
        elif sequence == 1 and event.get("prev_hash") != GENESIS_HASH:
            report.problems.append("events.json: the first event of the chain does not start "
                                   "from the genesis hash")
        if event.get("action") == "draft_version_create":
            seals[event.get("after", {}).get("version")] = event.get("after", {}).get("sha256")
        previous = event
        report.events += 1
    expected = manifest.get("events", {})
    if expected.get("count") is not None and expected.get("count") != len(events):
        report.problems.append(f"events.json: {len(events)} events, the manifest says "
                               f"{expected.get('count')}")
    if previous is not None and expected.get("last_hash") not in (None, previous["hash"]):
        report.problems.append("events.json: the last event is not the one the manifest names")
    for version in (record or {}).get("versions", []):
        number = version.get("number")
        if number in seals and seals[number] != version.get("sha256"):
            report.problems.append(f"decision.json: the seal of version {number} differs from "
                                   "the one its creation event recorded")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m decisions.dossier.check FILE.zip", file=sys.stderr)
        return 2
    report = check_dossier(argv[0])
    if report.ok:
        print(report.summary())
        return 0
    for problem in report.problems:
        print(f"FAIL: {problem}")
    print(f"{len(report.problems)} problem(s) in {argv[0]}")
    return 1


if __name__ == "__main__":
    sys.exit(main())

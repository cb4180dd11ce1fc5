"""Hand-over packages: "Kirim data" writes one, "Terima data" merges one.

A package is a zip file (optionally encrypted, see ``encrypt``):

- ``manifest.json``: format, package id, source installation, officer,
  kecamatan, program and schema version, export time, counts, and the
  SHA-256 and size of every other entry;
- ``signature.json``: the sending installation's Ed25519 public key and its
  signature of the exact ``manifest.json`` bytes (``services/signing.py``);
  the first package merged from an installation pins its key, a later one
  signed by another key is refused unless the officer trusts it deliberately;
- ``records/<table>.json``: the records of every travelling table (see
  ``imp_desktop.data.sync``), foreign keys as UUIDs;
- ``versions.json``: the version of every record sent ({table: {uuid: clock}});
- ``deleted.json``: tombstones of records deleted here ({table: {uuid: clock}});
- ``audit.json``: the audit trail, so the district sees the history;
- ``media/<sha256>.<ext>``: the photos.

Merging matches records by UUID (reference data by its natural key, and a
record whose unique field, e.g. a NIK, already belongs to another local
record is matched to that record, remembered as an alias; a catalogue or rule
version by its content, never by its number, see ``sync.LOCAL_NUMBERS``).
Each field is decided by the record versions (``versions.json``, see
``imp_desktop.data.versions``): their value replaces ours only if they had
seen ours; edits made without seeing each other are conflicts, decided by the
policy (keep theirs / keep mine) or field by field. Deletions travel as
tombstones (``deleted.json``) and delete only a version their sender had seen.
The whole package is checked before anything is written, and the merge is
one transaction; merging the same package twice changes nothing.

The package's modules, each importing only those before it: ``envelope`` (format,
encryption), ``export``, ``reading`` (checks), ``planning``, ``applying``.
"""
from __future__ import annotations

from imp_desktop.services.package.envelope import (  # noqa: F401
    ENCRYPTED_MAGIC,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MAX_ENTRY_BYTES,
    PASSPHRASE_GOOD,
    PASSPHRASE_MIN,
    Progress,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    SIGNATURE,
    VERSIONS,
    check_passphrase,
    decrypt,
    encrypt,
    is_encrypted,
)
from imp_desktop.services.package.export import (  # noqa: F401
    ExportSummary,
    default_office,
    export_package,
    last_export,
)
from imp_desktop.services.package.reading import (  # noqa: F401
    KEY_KNOWN,
    KEY_NEW,
    KEY_OWN,
    KEY_TRUSTED,
    KeyChangedError,
    Package,
    read_package,
)
from imp_desktop.services.package.planning import (  # noqa: F401
    Conflict,
    DELETED,
    Deletion,
    MergePlan,
    RecordPlan,
    field_name,
    plan_merge,
)
from imp_desktop.services.package.applying import (  # noqa: F401
    FirstPackageDeletes,
    MergeResult,
    apply_merge,
    handover_summary,
    merge_package,
    package_file_name,
)

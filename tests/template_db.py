"""The test database, migrated once and then copied: PostgreSQL's ``CREATE DATABASE ...
TEMPLATE``.

Running the ~60 migrations costs each pytest-xdist worker ~20 s of CPU (Django renders the
project's model state again for every migration), on a machine with two cores. Instead the
first worker migrates a template database, named after a digest of everything that decides
its content: Django's version, every migration file Django loads (ours and the
libraries'), and the modules of the ``post_migrate`` receivers (the roles, the priority
matrix). Every worker then copies it, which takes PostgreSQL about a second. The template
stays on the server: the next run with the same migrations copies it at once; a changed
migration gives another digest, hence a new template built by ``migrate`` (the old ones
are dropped then).

The template is built under another name and renamed only once migrated, so a run killed
half-way never leaves a half-migrated template behind. Workers take turns through a
PostgreSQL advisory lock, so two workers (or two runs) never build it at once.
``--reuse-db`` (keepdb) and other databases than PostgreSQL keep Django's own way.

The tests of ``make run``'s SQLite database do the same with a file: ``migrated_sqlite``
migrates one per digest (~40 s of CPU on SQLite, which rebuilds tables to alter them) and
copies it for each test."""

import contextlib
import fcntl
import hashlib
import inspect
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from django.conf import settings
from django.db import DatabaseError
from django.db.backends.postgresql.creation import DatabaseCreation
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate

from tests.imports.slices import manage


def content_digest() -> str:
    """What the migrated database holds depends on: these files, this Django."""
    digest = hashlib.sha256(django.__version__.encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    files = {
        sys.modules[migration.__module__].__file__ for migration in loader.disk_migrations.values()
    }
    for _key, receiver, _sender, _is_async in post_migrate.receivers:
        # Held through a weak reference unless connected with weak=False.
        live = (
            receiver if inspect.isfunction(receiver) or inspect.ismethod(receiver) else receiver()
        )
        if live is not None:
            files.add(inspect.getsourcefile(live))
    for name in sorted(str(file) for file in files if file):
        digest.update(name.encode() + b"\0" + Path(name).read_bytes())
    return digest.hexdigest()[:12]


def create_from_template(original: Callable[..., str]) -> Callable[..., str]:
    def create_test_db(
        self: Any,  # a postgresql DatabaseCreation; the stubs lack the private helpers used
        verbosity: int = 1,
        autoclobber: bool = False,
        serialize: bool | None = None,
        keepdb: bool = False,
    ) -> str:
        if keepdb or serialize is not None:
            return original(self, verbosity, autoclobber, serialize, keepdb)
        settings_dict = self.connection.settings_dict
        name = self._get_test_db_name()
        prefix = f"test_{settings_dict['NAME']}_template_"
        template = prefix + content_digest()
        quote = self.connection.ops.quote_name
        lock = zlib.crc32(prefix.encode())
        with self._nodb_cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
            try:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
                if cursor.fetchone() is None:
                    building = template + "_building"
                    settings_dict["TEST"]["NAME"] = building
                    original(self, verbosity, True, None, False)  # migrate
                    self.connection.close()
                    cursor.execute(
                        "SELECT datname FROM pg_database WHERE datname LIKE %s",
                        [prefix.replace("_", r"\_") + "%"],
                    )
                    for (stale,) in cursor.fetchall():
                        if stale == building:
                            continue
                        # In use (a run of the older migrations copying it): dropped next time.
                        with contextlib.suppress(DatabaseError):
                            cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")
                    cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
                settings_dict["TEST"]["NAME"] = name
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
                cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])
        if verbosity >= 1:
            self.log(f"Copied test database {name} from {template}")
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        settings_dict["NAME"] = name
        self.connection.ensure_connection()
        return name

    return create_test_db


@pytest.fixture(autouse=True, scope="session")
def _test_database_from_template() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        original: Any = DatabaseCreation.create_test_db
        patch.setattr(DatabaseCreation, "create_test_db", create_from_template(original))
        yield


def migrated_sqlite(target: Path) -> None:
    """``target``: a new SQLite database with every migration applied by ``manage.py
    migrate``, copied from the one migrated for these migrations (built once, under a file
    lock, beside the system's other temporary files)."""
    cache = Path(tempfile.gettempdir()) / f"servicedesk-test-{content_digest()}.sqlite3"
    with cache.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cache.exists():
            building = cache.with_suffix(".building")
            building.unlink(missing_ok=True)
            process = manage("migrate", "-v0", database_url=f"sqlite:///{building}")
            _out, err = process.communicate(timeout=540)
            assert process.returncode == 0, err.decode()
            building.replace(cache)  # whole or not at all
    shutil.copyfile(cache, target)

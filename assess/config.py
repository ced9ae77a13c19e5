"""Settings: one msgspec Struct read from ASSESS_* environment variables."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import msgspec

from assess.framework.messages import in_dutch

PREFIX = "ASSESS_"
MIN_SECRET_BYTES = 32


class SettingsError(Exception):
    pass


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str = ""
    min_group_size: Annotated[int, msgspec.Meta(ge=2)] = 5
    secure_cookies: bool = True
    trusted_proxies: str = ""  # addresses or networks of reverse proxies, comma-separated

    def __post_init__(self) -> None:
        for proxy in filter(None, (p.strip() for p in self.trusted_proxies.split(","))):
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(
                    f"'{proxy}' in {PREFIX}TRUSTED_PROXIES is geen IP-adres of netwerk "
                    "(zoals 10.0.0.5 of 10.0.0.0/24)"
                ) from None
        if self.secret_key and len(self.secret_key.encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"{PREFIX}SECRET_KEY is te kort: minstens {MIN_SECRET_BYTES} bytes, "
                "bijvoorbeeld uit: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'assess.db'}"


# Settings read from the environment; ASSESS_TEST_DATABASE_URL belongs to the test suite.
SETTING_NAMES = tuple(f"{PREFIX}{name.upper()}" for name in Settings.__struct_fields__)


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    env = os.environ if environ is None else environ
    values: dict[str, object] = {
        name.lower(): env[f"{PREFIX}{name.upper()}"]
        for name in Settings.__struct_fields__
        if f"{PREFIX}{name.upper()}" in env
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return msgspec.convert(values, Settings, strict=False, dec_hook=_decode_path)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `$.")
        if not where:  # from __post_init__: Dutch already, naming its setting
            raise SettingsError(f"ongeldige instelling: {message}") from exc
        name = f"{PREFIX}{where.rstrip('`').upper()}"
        raise SettingsError(f"ongeldige instelling {name}: {in_dutch(message)}") from exc


def _decode_path(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError

"""Fixtures: each test gets its own `facet lsp` process, started but not yet
initialized, so the test chooses its capabilities and settings."""

from __future__ import annotations

import os

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from helpers import FACET_BIN, finish, make_client, server_command


def pytest_report_header(config):
    return f"facet binary: {FACET_BIN}"


def pytest_sessionstart(session):
    if not os.access(FACET_BIN, os.X_OK):
        raise pytest.UsageError(f"FACET_BIN={FACET_BIN} is not an executable; build facet or set FACET_BIN")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command("--diagnostics-delay", "0"), client_factory=make_client))
async def client(lsp_client: LanguageClient):
    """Diagnostics published at once after each change."""
    yield
    await finish(lsp_client)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=server_command(), client_factory=make_client))
async def debounced_client(lsp_client: LanguageClient):
    """The default --diagnostics-delay (100 ms)."""
    yield
    await finish(lsp_client)


SIMULATED_LATENCY_MS = 1500


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=server_command("--diagnostics-delay", "0", "--simulate-latency", str(SIMULATED_LATENCY_MS)),
        client_factory=make_client,
    )
)
async def slow_client(lsp_client: LanguageClient):
    """Every document request waits SIMULATED_LATENCY_MS (cancellably) before computing."""
    yield
    await finish(lsp_client)

"""The history guard finds every historical table by itself, whatever app it is in."""

from types import SimpleNamespace

from django.apps import apps
from simple_history.models import HistoricalChanges, registered_models

from itsm.history_guard import history_tables


def test_one_guarded_table_per_model_simple_history_tracks():
    assert len(history_tables()) == len(registered_models)


def test_a_history_table_in_an_app_nobody_listed_is_guarded(monkeypatch):
    meta = SimpleNamespace(db_table="kb_historicalarticle", app_label="kb")
    article_history = type("HistoricalArticle", (HistoricalChanges,), {"_meta": meta})
    installed = apps.get_models
    monkeypatch.setattr(apps, "get_models", lambda: [*installed(), article_history])

    assert "kb_historicalarticle" in history_tables()

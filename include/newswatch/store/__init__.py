"""The article store: every SQL statement of the library lives in this package, one module per
table group. Parametrised queries only; callers own transactions.

`store.<function>` reaches the queries of the row groups below (the names are unique across them);
the other tables are their own modules: `store.alerts`, `store.quality`, `store.quarantine`,
`store.claims`, `store.views` (the analyst views), `store.run_state`; `store.db` connects and
`store.migrate` applies `store/migrations`.
"""

from __future__ import annotations

from newswatch.store.articles import (  # noqa: F401
    article_texts,
    first_by_url_or_guid,
    id_of_url,
    insert_article,
    known_by_url_or_guid,
    loaded_counts_of_run,
    originals_by_content_hash,
    seed_ids,
    texts_of,
)
from newswatch.store.feeds import (  # noqa: F401
    commit_validators,
    due_feed_urls,
    feed_health,
    feed_state,
    feeds_failing_since,
    forget_feed_validators,
    record_feed_fetch,
    sync_feeds,
)
from newswatch.store.index import (  # noqa: F401
    band_candidates,
    clear_index,
    copy_bands,
    index_settings,
    record_index_settings,
    set_stories,
    signatures_of,
    store_signatures,
    story_candidates,
    story_rows,
    texts_to_index,
    unindexed_ids,
)
from newswatch.store.novelty import (  # noqa: F401
    count_not_new_of_run,
    earlier_in_story,
    known_in_story,
    new_developments_of_run,
    novelty_of_run,
    set_novelty,
    story_heads,
    unassessed_seeds,
)
from newswatch.store.runs import (  # noqa: F401
    ensure_run,
    get_run,
    mark_run_failed,
    merge_run,
    recent_runs_entries,
    run_counts,
    run_pk,
    run_started_at,
)

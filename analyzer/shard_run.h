/* analyzer/shard_run.h — the database side of `dw-analyze run --shard K/N`:
 * the batch row the shards share, its shard locks and finished set, and
 * the vendor scorecards rebuilt from the shards' stored rows. */
#ifndef DW_SHARD_RUN_H
#define DW_SHARD_RUN_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scorecard.h"
#include "shard.h"
#include "status.h"
#include "stream.h"
#include "worker.h"

/* What makes shards one run: they join the same batch only when all of
 * these match. Strings are borrowed; vendor_id is decimal text or NULL. */
struct dw_batch_key {
    const char *method_version;
    const char *threshold_set;
    const char *window_from; /* YYYY-MM-DD, as given to --from */
    const char *window_to;
    const char *vendor_id;
    const char *currency;
    int n; /* shards */
};

/*
 * In a transaction of its own (committed on return): under the advisory
 * lock "dw-analyze batch", finds the newest 'running' dw.analysis_run of
 * the key whose shard column is a shard set of N, or inserts one (shard
 * "/N", the threshold snapshot, as_of = as_of_us). *run_id and *as_of_us
 * are the batch's: every shard judges "unpaid after 30 days" at the same
 * instant. DW_ERR_DB on failure (rolled back).
 */
enum dw_status dw_batch_join(PGconn *conn, const struct dw_batch_key *key,
                             int64_t *run_id, int64_t *as_of_us,
                             struct dw_error *err);

/*
 * First step of a shard's transaction: takes the transaction-level
 * advisory lock of (run, k) without waiting (DW_ERR_LOCKED when another
 * process runs the same shard of this run), checks the run is still
 * 'running' (DW_ERR_LOCKED otherwise) and deletes the worker-level rows
 * an earlier attempt of shard k wrote into it (worker_week, worker_day,
 * flag, worker_week_monitoring of the shard's workers).
 */
enum dw_status dw_batch_begin_shard(PGconn *conn, int64_t run_id,
                                    const struct dw_shard *s,
                                    struct dw_error *err);

/*
 * Last step of a shard's transaction, after its rows are written: locks
 * the run's row FOR NO KEY UPDATE (waiting for a shard finishing at the
 * same time; not for the key-share locks every shard's result rows hold
 * on it through their foreign keys, which would deadlock), adds k
 * to the finished set in its shard column and says whether every shard
 * has now finished (*last: this transaction must write the vendor level
 * and mark the run done). set_text receives the new set (at least
 * DW_SHARD_TEXT_MAX bytes). DW_ERR_LOCKED when the run stopped running
 * meanwhile.
 */
enum dw_status dw_batch_finish_shard(PGconn *conn, int64_t run_id,
                                     const struct dw_shard *s, bool *last,
                                     char *set_text, struct dw_error *err);

/*
 * Adds every stored dw.worker_week row of run_id to the scorecard of its
 * vendor (cards[0..n), made with dw_scorecard_init), with the decisions
 * its worker-week flags record, and counts each worker once per vendor:
 * the same tallies dw_method_worker made while computing them. Streams
 * the rows (COPY TO STDOUT); memory holds the scorecards' rate arrays.
 * DW_ERR_INTERNAL for a row of a vendor without a card.
 */
enum dw_status dw_batch_load_cards(PGconn *conn, int64_t run_id,
                                   struct dw_scorecard *cards, size_t n,
                                   struct dw_error *err);

/*
 * Coverage and payment practice of every unit in the window (scope,
 * every shard, no margin) into the vendors' cards, as dw_method_worker
 * counts them (dw_scorecard_add_unit), judged at as_of_us. m (borrowed)
 * gives the window and the zone database: a unit counts in its worker's
 * local week, as in dw_method_worker.
 */
enum dw_status dw_batch_practice(PGconn *conn,
                                 const struct dw_stream_scope *scope,
                                 struct dw_method *m,
                                 struct dw_scorecard *cards, size_t n,
                                 int64_t as_of_us, int64_t unpaid_after_us,
                                 struct dw_error *err);

#endif

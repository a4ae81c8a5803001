#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "models/levers.hpp"
#include "models/market.hpp"
#include "sim/results.hpp"
#include "sim/tally.hpp"

namespace lifecircle {

/// A run's state at a month's end: everything that the scenario does not determine, so that
/// a run resumed from it gives the same results as one never stopped (docs/checkpoints.md).
/// The network, districts and centres are rebuilt from the scenario; thresholds from the seed;
/// choice caches from the facilities, their reach and crowding.
struct RunState {
    std::int64_t day = 0;          ///< last simulated day, a month's end (days since 1970-01-01)
    std::int64_t until = 0;        ///< the run's last day (its --until or the scenario's end), days since 1970-01-01
    std::uint64_t next_event = 0;  ///< the scenario's events applied so far
    std::int64_t trips = 0;        ///< needs simulated so far
    std::vector<Facility> facilities;
    Residents residents;
    std::vector<std::uint32_t> household_start;
    std::vector<std::int32_t> added_day;                  ///< residents new housing added
    std::vector<std::vector<std::uint32_t>> reach_order;  ///< per category: facility ids in table order
    PlanLevers levers;
    std::vector<float> crowding;            ///< per facility
    std::vector<double> orders_per_day;     ///< per district x Tally::kSlots: last month's delivery orders a day
    std::vector<FloorSite> floor_sites;     ///< new housing's commercial floor among the entry sites
    std::vector<std::int64_t> month_needs;  ///< the last month's needs per district x category (lists price by them)
    Tally year;                             ///< the open year's tallies
    Results records;                        ///< district_month, category_year, facility_month and projects so far
};

/// What a checkpoint file says of itself.
struct CheckpointInfo {
    std::string scenario_text, scenario_path;
    std::uint64_t seed = 0;
    std::string version;     ///< the build that wrote it
    Date day;                ///< the month's end it holds
    Date until;              ///< the run's last day: a resumed run ends there unless told otherwise
    std::string spinup_key;  ///< a spin-up cache entry's key text (sim/spinup_cache.hpp), else empty
};

/// Writes a checkpoint atomically: to a temporary name, renamed over `path` only when
/// complete, so that the previous checkpoint stays usable until then (even on SIGKILL).
/// When `path` holds this run's earlier checkpoint (same scenario text, seed and build, an
/// earlier day), the new one is a copy of it with the months since appended to its records
/// and the state datasets that changed replaced: the records are not written again.
/// `spinup_key`: a spin-up cache entry's key text, kept in the file (empty: none).
void write_checkpoint(const std::string& path, const Scenario& scenario, const RunState& state,
                      const std::string& spinup_key = {});

/// Writes a run's checkpoints on a thread of its own, beside the simulation's next days. The
/// state is captured (copied) at the month's end, so what is written does not depend on when
/// the write runs. The records grow only at their ends, so the writer keeps its own copy of
/// them and a write copies only the rows since the previous one (a copy of every record so
/// far, at each month's end, was the larger part of a checkpoint's cost to the run).
/// One write at a time: a write waits for the one before. A write that fails is reported by the
/// next `write` or by `wait` (the run then stops with its error); the previous checkpoint stays
/// in place (write_checkpoint is atomic).
class CheckpointWriter {
  public:
    CheckpointWriter() = default;
    CheckpointWriter(const CheckpointWriter&) = delete;
    CheckpointWriter& operator=(const CheckpointWriter&) = delete;
    /// Waits for a write under way (a run ending by an exception still leaves its last
    /// checkpoint whole); its error, if any, is dropped: the exception under way is the one reported.
    ~CheckpointWriter();

    /// Waits for the previous write (rethrowing its error), then starts writing to `path` the
    /// state `state` with the records `records`: the run's so far, of which those given before
    /// must be the first rows (state.records is replaced: its projects are kept).
    /// `scenario` must outlive the write.
    void write(const std::string& path, const Scenario& scenario, RunState state, const Results& records);

    /// Waits for the write under way, if any; rethrows its error.
    void wait();
    /// As wait, and lets go of the records kept (for a run's end, whose own copies of its
    /// records follow; the next write would write every record again).
    void finish();

  private:
    /// Writes `state` with the rows since the last added to the records kept; an error is kept
    /// for wait().
    void write_now(const std::string& path, const Scenario& scenario, RunState& state);

    std::thread m_thread;
    std::exception_ptr m_error;
    Results m_records;  ///< the records written so far (the writing thread's while it runs)
};

/// Reads what a checkpoint says of itself; InputError if it is not a checkpoint, or one
/// written by another build (its state may not mean the same).
CheckpointInfo read_checkpoint_info(const std::string& path);

/// Reads a checkpoint's state for `scenario` (which must be the checkpoint's own: same text
/// and seed, else ConfigError).
RunState read_checkpoint(const std::string& path, const Scenario& scenario);

/// Reads a spin-up cache entry's state for `scenario`, whose text may differ from the one that
/// wrote it only where the spin-up does not depend on it: the entry's key text must be
/// `spinup_key` (else InputError).
RunState read_spinup_checkpoint(const std::string& path, const Scenario& scenario, const std::string& spinup_key);

}  // namespace lifecircle

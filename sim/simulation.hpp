#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "sim/results.hpp"

namespace lifecircle {

class Ranks;
struct RunState;

/// Progress of a run, reported once a simulated day.
struct Progress {
    Date date;
    double fraction = 0;     ///< share of the period done
    std::int64_t trips = 0;  ///< needs simulated so far
    double seconds = 0;      ///< wall time so far
};

/// How to run.
struct RunOptions {
    std::optional<Date> until;                      ///< last day (default: scenario end)
    std::function<void(const Progress&)> progress;  ///< called once a day (may be empty)
    const std::atomic<bool>* stop = nullptr;        ///< set to stop cleanly at the next day
    bool simd = true;             ///< use AVX2 where the processor has it (false: the portable code; the
                                  ///< results are the same, which a test checks)
    int checkpoint_every = 0;     ///< months between checkpoints, counted from the first
                                  ///< simulated month (0: none); written at month ends
    std::string checkpoint_path;  ///< where (replaced atomically each time)
    /// With a stop request and checkpoints on, go on to the month's end and write a last
    /// checkpoint there (false: stop at the next day, as without checkpoints).
    bool checkpoint_on_stop = true;
    /// The ranks the run is spread over (sim/ranks.hpp; null: this process alone). Every rank
    /// calls run_simulation with the same world; each simulates its share of the residents.
    const Ranks* ranks = nullptr;
    /// Called once at the end of the spin-up (the day before the start) with the run's state
    /// then, as a checkpoint holds it (the spin-up cache keeps it: sim/spinup_cache.hpp); may be
    /// empty.
    std::function<void(const RunState&)> spin_up_done;
    /// Called at the end of day `snapshot_day` (days since 1970-01-01; a month's last day, in
    /// the recorded period) with the run's state then, as a checkpoint there holds it (the
    /// spin-up cache keeps the months runs share: sim/spinup_cache.hpp); may be empty.
    std::int64_t snapshot_day = -1;
    std::function<void(const RunState&)> snapshot_done;
};

/// The simulation: one step a day over the scenario period; monthly economics, policy
/// events on their dates, monthly satisfaction. Results depend only on the scenario and its
/// seed, never on the number of threads (see docs/model.md, "Determinism").
Results run_simulation(World world, const RunOptions& options);

/// Continues a run from a checkpoint's state (sim/checkpoint.hpp): `world` is built from the
/// checkpoint's own scenario. The results equal those of the run never stopped. Without
/// `options.until`, the run ends where the checkpoint's run was to end.
Results resume_simulation(World world, RunState state, const RunOptions& options);

}  // namespace lifecircle

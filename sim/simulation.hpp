#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "sim/results.hpp"

namespace lifecircle {

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
    bool simd = true;  ///< use AVX2 where the processor has it (false: the portable code; the
                       ///< results are the same, which a test checks)
};

/// The simulation: one step a day over the scenario period; monthly economics, policy
/// events on their dates, monthly satisfaction. Results depend only on the scenario and its
/// seed, never on the number of threads (see docs/model.md, "Determinism").
Results run_simulation(World world, const RunOptions& options);

}  // namespace lifecircle

#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "sim/results.hpp"
#include "sim/simulation.hpp"

namespace lifecircle {

/// The spin-up cache (docs/checkpoints.md, "The spin-up cache"): the state at the end of a
/// scenario's spin-up, kept on disk in the checkpoint format under a key of everything the
/// spin-up depends on (the scenario without its events from the start on, the seed, the data
/// files it reads, this build), so that runs of the same spin-up simulate it once. A run from
/// an entry gives the same results as one that simulated its spin-up.
struct SpinupCacheOptions {
    bool enabled = true;
    std::filesystem::path dir;                         ///< where entries are kept
    std::uint64_t max_bytes = std::uint64_t{2} << 30;  ///< bytes kept at most; the least recently used go first
    /// From the environment: LIFECIRCLE_SPINUP_CACHE ("0", "off", "no" or "false": off),
    /// LIFECIRCLE_CACHE_DIR (else $XDG_CACHE_HOME/lifecircle, else ~/.cache/lifecircle; entries
    /// in its spinup/ folder), LIFECIRCLE_SPINUP_CACHE_MB (the size limit, default 2048 MB).
    static SpinupCacheOptions from_environment();
};

/// What a cached run did with the cache.
struct SpinupUse {
    bool hit = false;        ///< the spin-up came from an entry
    bool stored = false;     ///< the spin-up was simulated and kept
    std::string path;        ///< the entry's file (empty: the cache was not used)
    std::int64_t trips = 0;  ///< needs the spin-up read from the cache had simulated (in Results::trips)
    bool shared = false;     ///< what was read went on past the start, to the shared months' end
};

/// This build's identity: a hash of the executable or library file holding the simulator
/// (any change of the code changes it); empty if that file cannot be read.
const std::string& build_identity();

/// Everything the spin-up of `scenario` depends on, as text (the key of its entry): this
/// build, the seed, the data files the world is built from (path, size, modification time)
/// and the scenario's TOML in a canonical form without its events dated from the start on.
/// With `shared_until` (a month's last day from the start on), the key of the run's state at
/// the end of that day: the events dated after it left out instead, and the date.
std::string spinup_key_text(const Scenario& scenario, std::optional<Date> shared_until = {});

/// Runs the world's scenario as run_simulation does, with its spin-up read from the cache
/// when an entry holds it, else simulated and kept there (then the least recently used
/// entries beyond the size limit are removed). Without a spin-up or with the cache off, a plain
/// run_simulation. Over MPI ranks (collective: every rank calls it) the entry is read when every
/// rank can read it from its own cache folder, and rank 0 keeps a spin-up it simulated. A cache
/// that cannot be read or written is no error: the run simulates its spin-up.
///
/// With `shared_until` (a month's last day from the start on, at most the run's last day;
/// ignored otherwise), the state at the end of that day is cached too, under its own key
/// (spinup_key_text): runs that differ only in events after it (run_many's variants) and go on
/// past it read it and simulate only their own months; the results are again the same as
/// without the cache.
Results run_simulation_cached(World world, const RunOptions& options, const SpinupCacheOptions& cache,
                              SpinupUse* use = nullptr, std::optional<Date> shared_until = {});

/// An entry of the spin-up cache.
struct SpinupEntry {
    std::filesystem::path path;
    std::uint64_t bytes = 0;
    std::filesystem::file_time_type used;  ///< last read or written
};
/// The entries in the cache, the most recently used first.
std::vector<SpinupEntry> spinup_cache_entries(const SpinupCacheOptions& cache);
/// Removes every entry (and left-over temporary files); returns the bytes freed.
std::uint64_t clear_spinup_cache(const SpinupCacheOptions& cache);

}  // namespace lifecircle

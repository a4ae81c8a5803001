// Checkpoints (sim/checkpoint.hpp): a run stopped at any month's end and resumed, on another
// thread count, gives the results of the run never stopped; a checkpoint belongs to its
// scenario, seed and build.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tbb/global_control.h>

#include "catch.hpp"
#include "core/error.hpp"
#include "core/hdf5_io.hpp"
#include "fixtures.hpp"
#include "models/world_builder.hpp"
#include "result_files.hpp"
#include "sim/checkpoint.hpp"
#include "sim/recorder.hpp"
#include "sim/results_schema.hpp"
#include "sim/simulation.hpp"

using namespace lifecircle;
using lc_test::Contains;
using lifecircle::test::differing;

namespace {

Results simulate(const Scenario& sc, int threads, RunOptions options) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    return run_simulation(build_world(sc), options);
}

/// Resumes a checkpoint to `until` (default: the scenario's end, as the run never stopped).
Results resume(const Scenario& sc, const std::string& checkpoint, int threads, std::optional<Date> until = {}) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    RunOptions options;
    options.until = until ? until : sc.end;
    return resume_simulation(build_world(sc), read_checkpoint(checkpoint, sc), options);
}

/// Resumes a checkpoint with no --until of its own.
Results resume_as_stored(const Scenario& sc, const std::string& checkpoint) {
    return resume_simulation(build_world(sc), read_checkpoint(checkpoint, sc), RunOptions{});
}

}  // namespace

TEST_CASE("a run resumed from any month's checkpoint equals the run never stopped", "[checkpoint][determinism]") {
    // several stop months: the first, mid-year, a year's end, the next year; the spin-up's too
    for (int spin_up : {0, 3}) {
        Scenario sc = test::tiny_scenario();
        sc.spin_up_months = spin_up;
        const Results whole = simulate(sc, 2, RunOptions{});
        for (const Date stop : {Date{2024, 1, 31}, Date{2024, 6, 30}, Date{2024, 12, 31}, Date{2025, 2, 28}}) {
            INFO("spin-up " << spin_up << " months, stopped after " << stop.str());
            test::TempDir dir;
            RunOptions options;
            options.until = stop;
            options.checkpoint_every = 1;
            options.checkpoint_path = dir.file("run.ckpt");
            simulate(sc, 2, options);
            CHECK(read_checkpoint_info(options.checkpoint_path).day == stop);
            const Results resumed = resume(sc, options.checkpoint_path, 1);  // another thread count
            CHECK(differing(sc, whole, resumed, dir).empty());
            CHECK(resumed.end == whole.end);
        }
        // a checkpoint of the spin-up itself (before the start)
        if (spin_up > 0) {
            test::TempDir dir;
            RunOptions options;
            options.until = Date{2024, 2, 29};
            options.checkpoint_every = 2;  // 2023-11, 2024-01: the first is in the spin-up
            options.checkpoint_path = dir.file("spin.ckpt");
            std::atomic<bool> stop{false};
            options.stop = &stop;
            options.checkpoint_on_stop = false;
            options.progress = [&](const Progress& p) {
                if (p.date == Date{2023, 12, 5}) stop = true;
            };
            simulate(sc, 1, options);
            REQUIRE(read_checkpoint_info(options.checkpoint_path).day == Date{2023, 11, 30});
            CHECK(differing(sc, whole, resume(sc, options.checkpoint_path, 2), dir).empty());
        }
    }
}

TEST_CASE("a stop request with checkpoints on runs to the month's end and leaves a checkpoint there", "[checkpoint]") {
    const Scenario sc = test::tiny_scenario();
    test::TempDir dir;
    std::atomic<bool> stop{false};
    RunOptions options;
    options.checkpoint_every = 12;
    options.checkpoint_path = dir.file("stop.ckpt");
    options.stop = &stop;
    options.progress = [&](const Progress& p) {
        if (p.date == Date{2024, 3, 10}) stop = true;
    };
    const Results stopped = simulate(sc, 2, options);
    CHECK(stopped.end == Date{2024, 3, 31});
    CHECK(read_checkpoint_info(options.checkpoint_path).day == Date{2024, 3, 31});
    CHECK(differing(sc, simulate(sc, 2, RunOptions{}), resume(sc, options.checkpoint_path, 2), dir).empty());
}

TEST_CASE("a checkpoint that cannot be written stops the run with its error", "[checkpoint][errors]") {
    // checkpoints are written on a thread of their own, beside the next month's days
    // (CheckpointWriter): a failed write must still reach the caller, not end with its thread
    const Scenario sc = test::tiny_scenario();
    test::TempDir dir;
    RunOptions options;
    options.until = Date{2024, 3, 31};
    options.checkpoint_every = 1;
    options.checkpoint_path = dir.file("no-such-folder/run.ckpt");
    CHECK_THROWS_WITH(simulate(sc, 2, options), Contains("no-such-folder/run.ckpt"));
    // the last month's write too, which only the run's end waits for
    options.checkpoint_every = 3;
    CHECK_THROWS_WITH(simulate(sc, 1, options), Contains("no-such-folder/run.ckpt"));
}

TEST_CASE("a checkpoint resumes only with its own scenario, seed and build", "[checkpoint][errors]") {
    const Scenario sc = test::tiny_scenario();
    test::TempDir dir;
    RunOptions options;
    options.until = Date{2024, 2, 29};
    options.checkpoint_every = 1;
    options.checkpoint_path = dir.file("c.ckpt");
    simulate(sc, 2, options);
    Scenario other = sc;
    other.text += "\n# edited\n";
    CHECK_THROWS_WITH(read_checkpoint(options.checkpoint_path, other), Contains("another scenario"));
    Scenario reseeded = sc;
    reseeded.seed += 1;
    CHECK_THROWS_WITH(read_checkpoint(options.checkpoint_path, reseeded), Contains("seed 7"));
    lifecircle::write_atomically(dir.file("old.ckpt"), [](const std::string& tmp) {
        auto f = H5File::create(tmp);  // what another build would have written
        f.set_attr("format", std::string("lifecircle-checkpoint"));
        f.set_attr("format_version", 1.0);
        f.set_attr("version", std::string("0.0.1"));
    });
    CHECK_THROWS_WITH(read_checkpoint_info(dir.file("old.ckpt")),
                      Contains("old.ckpt") && Contains("lifecircle 0.0.1") && Contains("the build that wrote it"));
    CHECK_THROWS_WITH(read_checkpoint_info(dir.file("absent.ckpt")), Contains("absent.ckpt"));
    RunOptions january;
    january.until = Date{2024, 1, 31};
    write_results(dir.file("results.h5"), sc, simulate(sc, 1, january));
    CHECK_THROWS_WITH(read_checkpoint_info(dir.file("results.h5")), Contains("not a lifecircle checkpoint"));
}

TEST_CASE("checkpoints add to the earlier one and a stale or foreign file at the path is written over whole",
          "[checkpoint][determinism]") {
    // each checkpoint after the first copies the one before and appends the months since; one
    // found at the path that is not this run's earlier checkpoint (a later day of the same run,
    // another seed) must not be appended to, and every checkpoint must resume to the run never
    // stopped
    const Scenario sc = test::tiny_scenario();
    const Results whole = simulate(sc, 2, RunOptions{});
    test::TempDir dir;
    const auto path = dir.file("run.ckpt");
    const auto checkpointed = [&](const Scenario& s, Date until, int every) {
        RunOptions options;
        options.until = until;
        options.checkpoint_every = every;
        options.checkpoint_path = path;
        simulate(s, 2, options);
        REQUIRE(read_checkpoint_info(path).day == until);
    };
    checkpointed(sc, Date{2024, 12, 31}, 1);  // a later day at the path
    checkpointed(sc, Date{2024, 6, 30}, 1);   // its first checkpoint is written whole
    CHECK(differing(sc, whole, resume(sc, path, 1), dir).empty());
    Scenario other = sc;
    other.seed += 1;
    checkpointed(other, Date{2024, 3, 31}, 1);  // another seed's at the path
    checkpointed(sc, Date{2024, 9, 30}, 3);     // three months appended at a time
    CHECK(read_checkpoint_info(path).seed == sc.seed);
    CHECK(differing(sc, whole, resume(sc, path, 2), dir).empty());
    // a run resumed from a checkpoint and checkpointing to the same path appends to it
    RunOptions options;
    options.until = Date{2025, 2, 28};
    options.checkpoint_every = 1;
    options.checkpoint_path = path;
    {
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
        resume_simulation(build_world(sc), read_checkpoint(path, sc), options);
    }
    CHECK(read_checkpoint_info(path).day == Date{2025, 2, 28});
    CHECK(differing(sc, whole, resume(sc, path, 2), dir).empty());
}

TEST_CASE("a resumed run ends where the checkpoint's run was to end unless given another end", "[checkpoint]") {
    // `--resume` without `--until` must finish the run that was stopped, not run on to the
    // scenario's end (which a run with --until never meant to simulate)
    const Scenario sc = test::tiny_scenario();
    test::TempDir dir;
    std::atomic<bool> stop{false};
    RunOptions options;
    options.until = Date{2024, 9, 30};
    options.checkpoint_every = 12;
    options.checkpoint_path = dir.file("stop.ckpt");
    options.stop = &stop;
    options.progress = [&](const Progress& p) {
        if (p.date == Date{2024, 5, 10}) stop = true;
    };
    simulate(sc, 2, options);
    const auto info = read_checkpoint_info(options.checkpoint_path);
    CHECK(info.day == Date{2024, 5, 31});
    CHECK(info.until == Date{2024, 9, 30});
    RunOptions to_september;
    to_september.until = Date{2024, 9, 30};
    const Results resumed = resume_as_stored(sc, options.checkpoint_path);
    CHECK(resumed.end == Date{2024, 9, 30});
    CHECK(differing(sc, simulate(sc, 2, to_september), resumed, dir).empty());
    // resumed from a checkpoint at the run's last day: nothing to simulate, the run's results
    RunOptions to_may;
    to_may.until = Date{2024, 5, 31};
    to_may.checkpoint_every = 1;
    to_may.checkpoint_path = dir.file("may.ckpt");
    const Results may = simulate(sc, 2, to_may);
    const Results may_resumed = resume_as_stored(sc, to_may.checkpoint_path);
    CHECK(may_resumed.end == Date{2024, 5, 31});
    CHECK(differing(sc, may, may_resumed, dir).empty());                    // the year so far closed as that run did
    const Results longer = resume(sc, options.checkpoint_path, 2, sc.end);  // told otherwise
    CHECK(longer.end == sc.end);
    CHECK(differing(sc, simulate(sc, 2, RunOptions{}), longer, dir).empty());
}

// Checkpoints (sim/checkpoint.hpp): a run stopped at any month's end and resumed, on another
// thread count, gives the results of the run never stopped; a checkpoint belongs to its
// scenario, seed and build.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include <tbb/global_control.h>

#include "catch.hpp"
#include "core/error.hpp"
#include "core/hdf5_io.hpp"
#include "fixtures.hpp"
#include "models/world_builder.hpp"
#include "sim/checkpoint.hpp"
#include "sim/recorder.hpp"
#include "sim/results_schema.hpp"
#include "sim/simulation.hpp"

using namespace lifecircle;
using lc_test::Contains;

namespace {

Results simulate(const Scenario& sc, int threads, RunOptions options) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    return run_simulation(build_world(sc), options);
}

Results resume(const Scenario& sc, const std::string& checkpoint, int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    return resume_simulation(build_world(sc), read_checkpoint(checkpoint, sc), RunOptions{});
}

template <class T>
bool same_column(const H5File& a, const H5File& b, const std::string& name) {
    return a.read<T>(name) == b.read<T>(name);
}

/// The datasets of the two runs' results files that differ (every column of the schema).
std::vector<std::string> differing(const Scenario& sc, const Results& a, const Results& b, const test::TempDir& dir) {
    const auto pa = dir.file("a.h5"), pb = dir.file("b.h5");
    write_results(pa, sc, a);
    write_results(pb, sc, b);
    const auto fa = H5File::open(pa), fb = H5File::open(pb);
    std::vector<std::string> out;
    for (const auto& c : results_columns()) {
        const std::string name = c.table + "/" + c.name;
        const bool same = c.type == "int8"      ? same_column<std::int8_t>(fa, fb, name)
                          : c.type == "uint8"   ? same_column<std::uint8_t>(fa, fb, name)
                          : c.type == "uint16"  ? same_column<std::uint16_t>(fa, fb, name)
                          : c.type == "int32"   ? same_column<std::int32_t>(fa, fb, name)
                          : c.type == "uint32"  ? same_column<std::uint32_t>(fa, fb, name)
                          : c.type == "int64"   ? same_column<std::int64_t>(fa, fb, name)
                          : c.type == "float32" ? same_column<float>(fa, fb, name)
                                                : same_column<double>(fa, fb, name);
        if (!same) out.push_back(name);
    }
    if (a.trips != b.trips) out.push_back("trips");
    return out;
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

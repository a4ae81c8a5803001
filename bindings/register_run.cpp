// Runs of the simulation from Python: progress, Ctrl-C / kernel interrupt, results file.
#include <atomic>
#include <memory>
#include <optional>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <tbb/global_control.h>

#include "core/error.hpp"
#include "core/file_seal.hpp"
#include "core/scenario.hpp"
#include "models/world_builder.hpp"
#include "sim/checkpoint.hpp"
#include "sim/recorder.hpp"
#include "sim/results_schema.hpp"
#include "sim/simulation.hpp"
#include "sim/spinup_cache.hpp"

namespace py = pybind11;

namespace lifecircle::bindings {

void register_run(py::module_& m) {
    m.def(
        "results_columns",
        [] {
            py::list out;
            for (const auto& c : results_columns()) {
                py::dict d;
                d["table"] = c.table;
                d["name"] = c.name;
                d["type"] = c.type;
                d["unit"] = c.unit;
                d["meaning"] = c.meaning;
                d["over_year"] = c.over_year;
                out.append(d);
            }
            return out;
        },
        "Every column of a results file (table, name, type, unit, meaning, over_year: how a year holds a "
        "monthly record's column, sum, end or key), as the recorder writes them.");
    m.def(
        "run",
        [](const std::string& text, const std::string& path, const std::string& output,
           std::optional<std::uint64_t> seed, std::optional<std::string> until, int threads, py::object progress,
           int checkpoint_every, std::optional<std::string> checkpoint, std::optional<std::string> resume,
           bool spinup_cache, std::optional<std::string> shared_until) {
            Scenario sc = parse_scenario(text, path);
            if (seed) sc.seed = *seed;
            RunOptions options;
            if (checkpoint_every < 0)
                throw ArgumentError("checkpoint_every is " + std::to_string(checkpoint_every) +
                                    "; expected 0 (none) or a number of months");
            options.checkpoint_every = checkpoint_every;
            options.checkpoint_path = checkpoint ? *checkpoint : output + ".ckpt";
            if (until) {
                options.until = Date::parse(*until);
                if (!options.until)
                    throw ArgumentError("until is '" + *until + "'; expected a date such as 2030-12-31");
            }
            if (threads < 0)
                throw ArgumentError("threads is " + std::to_string(threads) + "; expected 0 (all) or more");
            std::unique_ptr<tbb::global_control> limit;
            if (threads > 0)
                limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                              static_cast<std::size_t>(threads));
            // Once a simulated day, on this thread: report progress and look for a pending
            // KeyboardInterrupt (or an error raised by the callback); either stops the run
            // cleanly at the end of the day and is raised here afterwards.
            std::atomic<bool> stop{false};
            std::optional<py::error_already_set> failure;
            options.stop = &stop;
            options.progress = [&](const Progress& p) {
                py::gil_scoped_acquire gil;
                try {
                    if (!progress.is_none()) progress(p.date.str(), p.fraction, p.trips, p.seconds);
                    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
                } catch (py::error_already_set& e) {
                    failure.emplace(std::move(e));
                    stop = true;
                }
            };
            std::optional<Date> shared;
            if (shared_until) {
                shared = Date::parse(*shared_until);
                if (!shared)
                    throw ArgumentError("shared_until is '" + *shared_until + "'; expected a date such as 2025-06-30");
            }
            std::optional<Results> res;
            SpinupCacheOptions cache = SpinupCacheOptions::from_environment();
            cache.enabled = cache.enabled && spinup_cache;
            SpinupUse spinup;
            {
                py::gil_scoped_release release;
                World world = build_world(sc);
                res.emplace(resume ? resume_simulation(std::move(world), read_checkpoint(*resume, sc), options)
                                   : run_simulation_cached(std::move(world), options, cache, &spinup, shared));
            }
            if (failure) throw std::move(*failure);
            {
                py::gil_scoped_release release;
                write_results(output, sc, *res);
            }
            py::dict d;
            d["trips"] = res->trips;
            d["seconds"] = res->seconds;
            d["threads"] = res->threads;
            d["end"] = res->end.str();
            d["spinup_cached"] = spinup.hit;
            d["shared_cached"] = spinup.shared;
            return d;
        },
        py::arg("text"), py::arg("path"), py::arg("output"), py::arg("seed") = py::none(),
        py::arg("until") = py::none(), py::arg("threads") = 0, py::arg("progress") = py::none(),
        py::arg("checkpoint_every") = 0, py::arg("checkpoint") = py::none(), py::arg("resume") = py::none(),
        py::arg("spinup_cache") = true, py::arg("shared_until") = py::none(),
        "Builds the scenario's world, runs it (or resumes the checkpoint `resume` of it) and writes the\n"
        "results file `output` (atomically). progress(date, fraction, trips, seconds) is called once a\n"
        "simulated day. A KeyboardInterrupt stops the run at the end of the day (with checkpoints on,\n"
        "at the month's end, after a last checkpoint) and is re-raised; no results are written. With\n"
        "`spinup_cache` (and LIFECIRCLE_SPINUP_CACHE not 0), the spin-up is read from the spin-up cache\n"
        "when it holds it, else kept there (the results are the same; docs/checkpoints.md); with\n"
        "`shared_until` (a month's last day), so is the state at the end of that day, which runs differing\n"
        "only in later events share (run_many).");
    m.def(
        "spinup_cache_entries",
        [] {
            const SpinupCacheOptions cache = SpinupCacheOptions::from_environment();
            py::list out;
            for (const auto& e : spinup_cache_entries(cache)) {
                py::dict d;
                d["path"] = e.path.string();
                d["bytes"] = e.bytes;
                out.append(d);
            }
            return out;
        },
        "The spin-up cache's entries (path, bytes), the most recently used first (the cache's folder:\n"
        "LIFECIRCLE_CACHE_DIR, else $XDG_CACHE_HOME/lifecircle or ~/.cache/lifecircle).");
    m.def(
        "clear_spinup_cache", [] { return clear_spinup_cache(SpinupCacheOptions::from_environment()); },
        "Removes every entry of the spin-up cache; returns the bytes freed.");
    m.def(
        "spinup_key_text",
        [](const std::string& text, const std::string& path, std::optional<std::uint64_t> seed,
           std::optional<std::string> shared_until) {
            Scenario sc = parse_scenario(text, path);
            if (seed) sc.seed = *seed;
            std::optional<Date> until;
            if (shared_until) {
                until = Date::parse(*shared_until);
                if (!until)
                    throw ArgumentError("shared_until is '" + *shared_until + "'; expected a date such as 2025-06-30");
            }
            return spinup_key_text(sc, until);
        },
        py::arg("text"), py::arg("path"), py::arg("seed") = py::none(), py::arg("shared_until") = py::none(),
        "What a scenario's spin-up depends on, as text: the key of its spin-up cache entry (with\n"
        "`shared_until`, of its state at the end of that day, which runs with the same events to it share).");
    m.def(
        "checkpoint_info",
        [](const std::string& path) {
            const CheckpointInfo info = read_checkpoint_info(path);
            py::dict d;
            d["scenario_text"] = info.scenario_text;
            d["scenario_path"] = info.scenario_path;
            d["seed"] = info.seed;
            d["version"] = info.version;
            d["day"] = info.day.str();
            d["until"] = info.until.str();
            return d;
        },
        py::arg("path"),
        "What a checkpoint holds: its scenario (text, path), seed, build version, day, and the run's\n"
        "last day (`until`), where a resumed run ends unless given another.");
    m.def("check_seal", &check_seal, py::arg("path"),
          "Raises InputError naming the file (and the damaged dataset, where the damage is inside one)\n"
          "unless the file carries lifecircle's seal over unchanged bytes: city, results and checkpoint\n"
          "files are sealed when written (docs/checkpoints.md).");
    m.def("unseal_file", &unseal_file, py::arg("path"),
          "Checks a file's seal and removes it, to edit the file on purpose (h5py mode 'r+'); seal it\n"
          "again with seal_file, or lifecircle will refuse it as damaged.");
    m.def("seal_file", &seal_file, py::arg("path"), "Seals a finished, closed HDF5 file (see unseal_file).");
}

}  // namespace lifecircle::bindings

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lifecircle::cli {

/// Options shared by the reach-style commands.
struct ReachOptions {
    int k = 3;
    double max_minutes = 15.0;
    double speed = 80.0;  ///< metres a minute (PARAMETERS.md: 80 m/min for peer comparisons)
};

/// `lifecircle example`: builds a synthetic grid city and prints its reach summary.
int run_example(const ReachOptions& options, unsigned grid_side, unsigned seed);
/// `lifecircle import-osm FILE -o OUT`: network and categorised facilities to HDF5.
int run_import_osm(const std::string& input, const std::string& output, const std::string& categories_path,
                   bool keep_all_components);
/// `lifecircle import-csv --nodes N --edges E [--facilities F] -o OUT`: the same city file
/// from CSV tables (nodes: id,x,y; edges: from,to,length; facilities: x,y,category[,name]).
int run_import_csv(const std::string& nodes, const std::string& edges, const std::string& facilities,
                   const std::string& output, bool keep_all_components);
/// `lifecircle validate CONFIG`: checks a scenario and prints what it holds.
int run_validate(const std::string& config);
/// `lifecircle world CONFIG`: builds the world and prints residents, households, nodes,
/// facilities and ring coverage per district.
int run_world(const std::string& config);
/// Options of `lifecircle run`.
struct RunCommand {
    std::string config;  ///< empty: the built-in Yunfu scenario
    std::string output = "out/yunfu.h5";
    std::optional<std::uint64_t> seed;
    std::string until;         ///< YYYY-MM-DD or empty
    bool progress = true;      ///< a progress bar when stderr is a terminal
    int checkpoint_every = 0;  ///< months between checkpoints (0: none)
    std::string checkpoint;    ///< checkpoint file (default: OUTPUT.ckpt)
    std::string resume;        ///< continue from this checkpoint
    bool spinup_cache = true;  ///< read and keep the spin-up in the cache (sim/spinup_cache.hpp)
};
/// `lifecircle run [CONFIG] -o OUT.h5`: simulates the scenario and writes the results file;
/// prints a per-district table of the last simulated year.
int run_run(const RunCommand& command);
/// `lifecircle cache list|clear`: the spin-up cache's entries, or removes them.
int run_cache(const std::string& action);
/// `lifecircle reach CITY.h5`: per-category coverage within 5, 10 and 15 minutes.
int run_reach(const std::string& city_path, const ReachOptions& options);

/// `lifecircle report`, `map` and `export`: hand over to the Python package (python -m
/// lifecircle.<module>: matplotlib draws the charts, the map page is written with its bundled
/// Leaflet, GeoPandas writes the GIS files). Returns only if Python cannot be started.
int run_python(const std::string& module, const std::vector<std::string>& arguments);

}  // namespace lifecircle::cli

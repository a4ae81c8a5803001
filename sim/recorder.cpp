#include "sim/recorder.hpp"

#include "core/hdf5_io.hpp"
#include "core/version.hpp"
#include "sim/results_schema.hpp"

namespace lifecircle {

void write_results(const std::string& path, const Scenario& sc, const Results& res) {
    write_atomically(path, [&](const std::string& tmp) {
        auto file = H5File::create(tmp);
        file.set_attr("format", std::string("lifecircle-results"));
        file.set_attr("format_version", 1.0);
        file.set_attr("version", std::string(kVersion));
        file.set_attr("scenario_path", sc.path);
        file.set_attr("scenario_text", sc.text);
        file.set_attr("seed", static_cast<double>(sc.seed));
        file.set_attr("threads", static_cast<double>(res.threads));
        file.set_attr("ranks", static_cast<double>(res.ranks));
        file.set_attr("bytes_reduced", static_cast<double>(res.bytes_reduced));
        file.set_attr("start", sc.start.str());
        file.set_attr("end", res.end.str());
        file.set_attr("trips", static_cast<double>(res.trips));
        file.set_attr("seconds", res.seconds);
        file.set_attr("trip_seconds", res.trip_seconds);

        file.create_group("names");
        std::vector<std::string> districts, pinyin, categories, slots;
        for (const auto& d : sc.districts) {
            districts.push_back(d.name);
            pinyin.push_back(d.pinyin);
        }
        for (const auto& c : sc.categories) categories.push_back(c.key);
        file.write_strings("names/district", districts);
        file.write_strings("names/district_pinyin", pinyin);
        file.write_strings("names/category", categories);

        // the city at the end of the run (for maps and gap lists) and the records, column by
        // column as the schema lists them
        file.set_attr("origin_lon", res.world.origin_lon);
        file.set_attr("origin_lat", res.world.origin_lat);
        std::string group;
        for (const auto& column : results_columns()) {
            if (column.table != group) file.create_group(group = column.table);
            column.write(file, column.table + "/" + column.name, res);
        }
        file.close();
    });
}

}  // namespace lifecircle

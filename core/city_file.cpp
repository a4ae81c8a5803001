#include "core/city_file.hpp"

#include "core/error.hpp"
#include "core/hdf5_io.hpp"

namespace lifecircle {

namespace detail {
inline constexpr const char* kCityFormat = "lifecircle-city";
inline constexpr double kCityVersion = 1;
}  // namespace detail

void write_city(const std::string& path, const OsmCity& city, const std::string& source) {
    write_atomically(path, [&](const std::string& tmp) {
        auto file = H5File::create(tmp);
        file.set_attr("format", std::string(detail::kCityFormat));
        file.set_attr("format_version", detail::kCityVersion);
        file.set_attr("source", source);
        file.set_attr("origin_lon", city.origin_lon);
        file.set_attr("origin_lat", city.origin_lat);
        file.set_attr("attribution", city.attribution);
        const auto& net = city.network;
        file.create_group("network");
        file.write("network/node_id", net.node_ids());
        file.write("network/x", net.x());
        file.write("network/y", net.y());
        file.write("network/edge_from", net.edge_from());
        file.write("network/edge_to", net.edge_to());
        file.write("network/edge_length", net.edge_length());

        file.create_group("facilities");
        file.write_strings("facilities/category_names", city.categories);
        const auto& fs = city.facilities;
        file.write_column("facilities/category", fs, &OsmFacility::category);
        file.write_column("facilities/osm_id", fs, &OsmFacility::osm_id);
        file.write_column<std::int8_t>("facilities/osm_type", fs, &OsmFacility::osm_type);
        file.write_column("facilities/lon", fs, &OsmFacility::lon);
        file.write_column("facilities/lat", fs, &OsmFacility::lat);
        file.write_column("facilities/x", fs, &OsmFacility::x);
        file.write_column("facilities/y", fs, &OsmFacility::y);
        std::vector<std::string> name;
        for (const auto& f : fs) name.push_back(f.name);
        file.write_strings("facilities/name", name);
        if (!city.districts.empty()) {  // a GIS import's districts, homes and type codes
            file.write_column("facilities/district", fs, &OsmFacility::district);
            std::vector<std::string> type;
            for (const auto& f : fs) type.push_back(f.source_type);
            file.write_strings("facilities/source_type", type);
            file.create_group("districts");
            file.write_strings("districts/name", city.districts);
            file.write_strings("districts/wkt", city.district_wkt);
            file.write_strings("districts/known_absent", city.known_absent);
            if (!city.node_district.empty()) file.write<std::int32_t>("network/district", city.node_district);
        }
        if (!city.homes.empty()) {
            file.create_group("homes");
            file.write_column("homes/node", city.homes, &CityHome::node);
            file.write_column("homes/residents", city.homes, &CityHome::residents);
            file.write_column("homes/district", city.homes, &CityHome::district);
        }
        file.close();
    });
}

OsmCity read_city(const std::string& path) {
    auto file = H5File::open(path);
    if (!file.exists("network") || file.attr_string("format") != detail::kCityFormat)
        throw InputError(path + ": not a lifecircle city file (expected attribute format = '" +
                         std::string(detail::kCityFormat) + "' and group /network)");
    OsmCity city;
    city.origin_lon = file.attr_double("origin_lon");
    city.origin_lat = file.attr_double("origin_lat");
    auto ids = file.read<std::int64_t>("network/node_id");
    auto from_idx = file.read<std::uint32_t>("network/edge_from");
    auto to_idx = file.read<std::uint32_t>("network/edge_to");
    std::vector<std::int64_t> from, to;
    for (std::size_t e = 0; e < from_idx.size(); ++e) {
        if (from_idx[e] >= ids.size() || (e < to_idx.size() && to_idx[e] >= ids.size()))
            throw InputError(path + ": network/edge_from or edge_to of edge " + std::to_string(e) +
                             " is not a node index");
        from.push_back(ids[from_idx[e]]);
        if (e < to_idx.size()) to.push_back(ids[to_idx[e]]);
    }
    const auto length = file.read<double>("network/edge_length");
    city.network = WalkNetwork::from_arrays(std::move(ids), file.read<double>("network/x"),
                                            file.read<double>("network/y"), from, to, length, false, path);
    city.categories = file.read_strings("facilities/category_names");
    const auto category = file.read<std::uint32_t>("facilities/category");
    const auto osm_id = file.read<std::int64_t>("facilities/osm_id");
    const auto osm_type = file.read<std::int8_t>("facilities/osm_type");
    const auto lon = file.read<double>("facilities/lon");
    const auto lat = file.read<double>("facilities/lat");
    const auto x = file.read<double>("facilities/x");
    const auto y = file.read<double>("facilities/y");
    const auto name = file.read_strings("facilities/name");
    for (std::size_t i = 0; i < category.size(); ++i) {
        if (category[i] >= city.categories.size())
            throw InputError(path + ": facilities/category[" + std::to_string(i) + "] is not a category index");
        city.facilities.push_back({osm_id.at(i),
                                   static_cast<char>(osm_type.at(i)),
                                   category[i],
                                   lon.at(i),
                                   lat.at(i),
                                   x.at(i),
                                   y.at(i),
                                   name.at(i),
                                   -1,
                                   {}});
    }
    if (file.exists("districts")) {
        city.districts = file.read_strings("districts/name");
        city.district_wkt = file.read_strings("districts/wkt");
        city.known_absent = file.read_strings("districts/known_absent");
        if (city.district_wkt.size() != city.districts.size())
            throw InputError(path + ": districts/wkt and districts/name differ in length");
        if (file.exists("network/district")) {
            city.node_district = file.read<std::int32_t>("network/district");
            if (city.node_district.size() != city.network.num_nodes())
                throw InputError(path + ": network/district is not one value a node");
        }
        const auto district = file.read<std::int32_t>("facilities/district");
        const auto type = file.read_strings("facilities/source_type");
        if (district.size() != city.facilities.size() || type.size() != city.facilities.size())
            throw InputError(path + ": facilities/district or source_type is not one value a facility");
        for (std::size_t i = 0; i < district.size(); ++i) {
            if (district[i] < -1 || district[i] >= static_cast<std::int32_t>(city.districts.size()))
                throw InputError(path + ": facilities/district[" + std::to_string(i) + "] is not a district index");
            city.facilities[i].district = district[i];
            city.facilities[i].source_type = type[i];
        }
    }
    if (file.exists("homes")) {
        const auto node = file.read<std::uint32_t>("homes/node");
        const auto residents = file.read<double>("homes/residents");
        const auto district = file.read<std::int32_t>("homes/district");
        if (residents.size() != node.size() || district.size() != node.size())
            throw InputError(path + ": homes/node, residents and district differ in length");
        for (std::size_t i = 0; i < node.size(); ++i) {
            if (node[i] >= city.network.num_nodes())
                throw InputError(path + ": homes/node[" + std::to_string(i) + "] is not a node index");
            city.homes.push_back({node[i], residents[i], district[i]});
        }
    }
    city.attribution = file.attr_string("attribution");
    return city;
}

}  // namespace lifecircle

#include "sim/recorder.hpp"


#include "core/hdf5_io.hpp"

namespace lifecircle {

void write_results(const std::string& path, const Scenario& sc, const Results& res,
                   const std::string& version) {
    write_atomically(path, [&](const std::string& tmp) {
        auto file = H5File::create(tmp);
        file.set_attr("format", std::string("lifecircle-results"));
        file.set_attr("format_version", 1.0);
        file.set_attr("version", version);
        file.set_attr("scenario_path", sc.path);
        file.set_attr("scenario_text", sc.text);
        file.set_attr("seed", static_cast<double>(sc.seed));
        file.set_attr("threads", static_cast<double>(res.threads));
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

        using DM = DistrictMonth;
        const auto& dm = res.district_month;
        file.create_group("district_month");
        file.write_column("district_month/district", dm, &DM::district);
        file.write_column("district_month/year", dm, &DM::year);
        file.write_column("district_month/month", dm, &DM::month);
        file.write_column("district_month/residents", dm, &DM::residents);
        file.write_column("district_month/needs", dm, &DM::needs);
        file.write_column("district_month/served", dm, &DM::served);
        file.write_column("district_month/delivered", dm, &DM::delivered);
        file.write_column("district_month/unmet", dm, &DM::unmet);
        file.write_column("district_month/night_needs", dm, &DM::night_needs);
        file.write_column("district_month/night_served", dm, &DM::night_served);
        file.write_column("district_month/night_delivered", dm, &DM::night_delivered);
        file.write_column("district_month/spend_fen", dm, &DM::spend_fen);
        file.write_column("district_month/walk_deciminutes", dm, &DM::walk_deciminutes);
        file.write_column("district_month/satisfied", dm, &DM::satisfied);
        file.write_column("district_month/survey_n", dm, &DM::survey_n);
        file.write_column("district_month/survey_satisfied", dm, &DM::survey_satisfied);
        file.write_column("district_month/survey_low", dm, &DM::survey_low);
        file.write_column("district_month/survey_high", dm, &DM::survey_high);
        file.write_column("district_month/shops_open", dm, &DM::shops_open);
        file.write_column("district_month/openings", dm, &DM::openings);
        file.write_column("district_month/closures", dm, &DM::closures);
        file.write_column("district_month/in_programme", dm, &DM::in_programme);

        using CY = CategoryYear;
        const auto& cy = res.category_year;
        file.create_group("category_year");
        file.write_column("category_year/district", cy, &CY::district);
        file.write_column("category_year/category", cy, &CY::category);
        file.write_column("category_year/year", cy, &CY::year);
        file.write_column("category_year/needs", cy, &CY::needs);
        file.write_column("category_year/served", cy, &CY::served);
        file.write_column("category_year/delivered", cy, &CY::delivered);
        file.write_column("category_year/unmet", cy, &CY::unmet);
        file.write_column("category_year/shops_open", cy, &CY::shops_open);
        file.write_column("category_year/in_ring", cy, &CY::in_ring);

        using FM = FacilityMonth;
        const auto& fm = res.facility_month;
        file.create_group("facility_month");
        file.write_column("facility_month/facility", fm, &FM::facility);
        file.write_column("facility_month/year", fm, &FM::year);
        file.write_column("facility_month/month", fm, &FM::month);
        file.write_column("facility_month/visits", fm, &FM::visits);
        file.write_column("facility_month/revenue_fen", fm, &FM::revenue_fen);
        file.write_column("facility_month/profit_fen", fm, &FM::profit_fen);
        file.write_column("facility_month/open", fm, &FM::open);

        const auto& fs = res.world.facilities;
        file.create_group("facilities");
        file.write_column("facilities/node", fs, &Facility::node);
        file.write_column<std::int32_t>("facilities/category", fs, &Facility::category);
        file.write_column<std::int32_t>("facilities/district", fs, [](const Facility& f) {
            return f.district == kNoDistrict ? -1 : static_cast<int>(f.district);
        });
        file.write_column("facilities/opened_day", fs, &Facility::opened_day);
        file.write_column("facilities/closed_day", fs, &Facility::closed_day);
        file.write_column<std::uint8_t>("facilities/origin", fs, [](const Facility& f) { return static_cast<std::uint8_t>(f.origin); });
        file.write_column<std::int64_t>("facilities/extra_categories", fs, &Facility::extra_categories);
        file.write_column("facilities/cash_fen", fs, &Facility::cash_fen);
        file.write_column("facilities/open_hour", fs, &Facility::open_hour);
        file.write_column("facilities/close_hour", fs, &Facility::close_hour);
        file.write_column("facilities/floor_area_m2", fs, &Facility::floor_area_m2);

        // the city at the end of the run, for maps and gap lists
        const auto& w = res.world;
        const auto& net = w.network;
        file.create_group("network");
        file.set_attr("origin_lon", w.origin_lon);
        file.set_attr("origin_lat", w.origin_lat);
        file.write<double>("network/x", net.x());
        file.write<double>("network/y", net.y());
        file.write_column<std::int32_t>("network/district", w.node_district, [](std::uint16_t d) {
            return d == kNoDistrict ? -1 : static_cast<int>(d);
        });
        file.write<std::uint8_t>("network/commercial", w.node_commercial);
        file.write<std::uint32_t>("network/edge_from", net.edge_from());
        file.write<std::uint32_t>("network/edge_to", net.edge_to());
        file.write<double>("network/edge_length", net.edge_length());

        const auto& r = w.residents;
        file.create_group("residents");
        file.write<std::uint32_t>("residents/home_node", r.home_node);
        file.write<std::uint32_t>("residents/household", r.household);
        file.write<std::uint16_t>("residents/district", r.district);
        file.write<std::uint8_t>("residents/age_group", r.age);
        file.write_column<std::uint8_t>("residents/map_app", r.flags, [](std::uint8_t f) {
            return f & Residents::kMapApp ? 1 : 0;
        });
        file.write<std::int32_t>("residents/added_day", res.resident_added_day);
        file.close();
    });
}

}  // namespace lifecircle

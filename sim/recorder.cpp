#include "sim/recorder.hpp"

#include <functional>

#include "sim/hdf5_io.hpp"

namespace lifecircle {

namespace detail {

/// Writes one column of a table of records.
template <class Row, class T>
void column(H5File& file, const std::string& name, const std::vector<Row>& rows, T Row::*field) {
    std::vector<T> values;
    values.reserve(rows.size());
    for (const auto& r : rows) values.push_back(r.*field);
    file.write<T>(name, values);
}

}  // namespace detail

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
        detail::column(file, "district_month/district", dm, &DM::district);
        detail::column(file, "district_month/year", dm, &DM::year);
        detail::column(file, "district_month/month", dm, &DM::month);
        detail::column(file, "district_month/residents", dm, &DM::residents);
        detail::column(file, "district_month/needs", dm, &DM::needs);
        detail::column(file, "district_month/served", dm, &DM::served);
        detail::column(file, "district_month/delivered", dm, &DM::delivered);
        detail::column(file, "district_month/unmet", dm, &DM::unmet);
        detail::column(file, "district_month/night_needs", dm, &DM::night_needs);
        detail::column(file, "district_month/night_served", dm, &DM::night_served);
        detail::column(file, "district_month/night_delivered", dm, &DM::night_delivered);
        detail::column(file, "district_month/spend_fen", dm, &DM::spend_fen);
        detail::column(file, "district_month/walk_deciminutes", dm, &DM::walk_deciminutes);
        detail::column(file, "district_month/satisfied", dm, &DM::satisfied);
        detail::column(file, "district_month/survey_n", dm, &DM::survey_n);
        detail::column(file, "district_month/survey_satisfied", dm, &DM::survey_satisfied);
        detail::column(file, "district_month/survey_low", dm, &DM::survey_low);
        detail::column(file, "district_month/survey_high", dm, &DM::survey_high);
        detail::column(file, "district_month/shops_open", dm, &DM::shops_open);
        detail::column(file, "district_month/openings", dm, &DM::openings);
        detail::column(file, "district_month/closures", dm, &DM::closures);
        detail::column(file, "district_month/in_programme", dm, &DM::in_programme);

        using CY = CategoryYear;
        const auto& cy = res.category_year;
        file.create_group("category_year");
        detail::column(file, "category_year/district", cy, &CY::district);
        detail::column(file, "category_year/category", cy, &CY::category);
        detail::column(file, "category_year/year", cy, &CY::year);
        detail::column(file, "category_year/needs", cy, &CY::needs);
        detail::column(file, "category_year/served", cy, &CY::served);
        detail::column(file, "category_year/delivered", cy, &CY::delivered);
        detail::column(file, "category_year/unmet", cy, &CY::unmet);
        detail::column(file, "category_year/shops_open", cy, &CY::shops_open);
        detail::column(file, "category_year/in_ring", cy, &CY::in_ring);

        using FM = FacilityMonth;
        const auto& fm = res.facility_month;
        file.create_group("facility_month");
        detail::column(file, "facility_month/facility", fm, &FM::facility);
        detail::column(file, "facility_month/year", fm, &FM::year);
        detail::column(file, "facility_month/month", fm, &FM::month);
        detail::column(file, "facility_month/visits", fm, &FM::visits);
        detail::column(file, "facility_month/revenue_fen", fm, &FM::revenue_fen);
        detail::column(file, "facility_month/profit_fen", fm, &FM::profit_fen);
        detail::column(file, "facility_month/open", fm, &FM::open);

        const auto& fs = res.facilities;
        file.create_group("facilities");
        std::vector<std::uint32_t> node;
        std::vector<std::int32_t> category, district, opened, closed;
        std::vector<std::uint8_t> origin;
        std::vector<std::int64_t> extra, cash;
        std::vector<float> open_hour, close_hour, area;
        for (const auto& f : fs) {
            node.push_back(f.node);
            category.push_back(f.category);
            district.push_back(f.district == kNoDistrict ? -1 : f.district);
            opened.push_back(f.opened_day);
            closed.push_back(f.closed_day);
            origin.push_back(f.origin);
            extra.push_back(static_cast<std::int64_t>(f.extra_categories));
            cash.push_back(f.cash_fen);
            open_hour.push_back(f.open_hour);
            close_hour.push_back(f.close_hour);
            area.push_back(f.floor_area_m2);
        }
        file.write<std::uint32_t>("facilities/node", node);
        file.write<std::int32_t>("facilities/category", category);
        file.write<std::int32_t>("facilities/district", district);
        file.write<std::int32_t>("facilities/opened_day", opened);
        file.write<std::int32_t>("facilities/closed_day", closed);
        file.write<std::uint8_t>("facilities/origin", origin);
        file.write<std::int64_t>("facilities/extra_categories", extra);
        file.write<std::int64_t>("facilities/cash_fen", cash);
        file.write<float>("facilities/open_hour", open_hour);
        file.write<float>("facilities/close_hour", close_hour);
        file.write<float>("facilities/floor_area_m2", area);
        file.close();
    });
}

}  // namespace lifecircle

#pragma once

#include <cstdint>
#include <vector>

#include "core/world.hpp"
#include "models/project_list.hpp"
#include "models/satisfaction.hpp"

namespace lifecircle {

/// One district's month: flows summed over the month, states at its end.
struct DistrictMonth {
    std::int32_t district = 0, year = 0, month = 0;
    std::int64_t residents = 0;
    std::int64_t needs = 0, served = 0, delivered = 0, unmet = 0;         ///< needs = served + delivered + unmet
    std::int64_t night_needs = 0, night_served = 0, night_delivered = 0;  ///< needs in night slots (22-06)
    std::int64_t spend_fen = 0;         ///< residents' spending at local facilities, fen
    std::int64_t walk_deciminutes = 0;  ///< walking time of served trips, 1/10 minute
    std::int64_t served_15min = 0;      ///< served trips of a 15-minute walk or less
    std::int64_t satisfied = 0;         ///< residents whose score met their threshold
    std::int64_t survey_n = 0, survey_satisfied = 0;
    double survey_low = 0, survey_high = 0;  ///< Wilson 95% interval of the survey share
    std::int64_t shops_open = 0, openings = 0, closures = 0;
    std::int64_t in_programme = 0;   ///< 1 once the district has joined
    std::int64_t subsidy_fen = 0;    ///< public cost: rent waived and grants paid to shops
    std::int64_t capital_fen = 0;    ///< public cost: fit-out of facilities the plan opened
    std::int64_t support_fen = 0;    ///< public cost: operating support per visit
    std::int64_t operating_fen = 0;  ///< public cost: running costs and contract cover of the plan's public facilities
    std::int64_t public_baseline_fen = 0;  ///< public money of the city's own public facilities (not the plan's)
};

/// One (district, category)'s year.
struct CategoryYear {
    std::int32_t district = 0, category = 0, year = 0;
    std::int64_t needs = 0, served = 0, delivered = 0, unmet = 0;
    std::int64_t shops_open = 0;  ///< at the end of the year
    double in_ring = 0;           ///< share of residents whose nearest open facility is inside the ring
};

/// One facility's month.
struct FacilityMonth {
    std::int32_t facility = 0, year = 0, month = 0;
    std::int64_t visits = 0, revenue_fen = 0, profit_fen = 0;
    std::int8_t open = 0;  ///< open at the end of the month
};

/// A month whose score inputs are recorded (the scenario's `[satisfaction] record`): its
/// residents' rows in Results::score_resident and its (node, age group) rows in
/// Results::score_place follow those of the months before it.
struct ScoreMonth {
    std::int32_t year = 0, month = 0;
    std::int64_t month_index = 0;  ///< months since the first simulated one (the survey's draws)
    std::int64_t residents = 0;    ///< residents that month: the first this many
};

/// Everything a run produces (written by the recorder, read by Python).
struct Results {
    std::vector<DistrictMonth> district_month;
    std::vector<CategoryYear> category_year;
    std::vector<FacilityMonth> facility_month;
    std::vector<Project> projects;                 ///< the project lists drawn in the run (circle_plan)
    std::vector<ScoreMonth> score_month;           ///< months recorded for re-scoring
    std::vector<ScoreResident> score_resident;     ///< their residents' months, month after month
    std::vector<ScorePlace> score_place;           ///< their ring parts, nodes x age groups a month
    World world;                                   ///< the city at the end: every facility that ever existed
                                                   ///< (final state) and every resident, new housing included
    std::vector<std::int32_t> resident_added_day;  ///< per resident: day moved in (days since
                                                   ///< 1970-01-01), 0 = before the run
    std::int64_t trips = 0;                        ///< needs simulated (a spin-up's included, as in `seconds`)
    double seconds = 0;                            ///< wall time of the day loop
    double trip_seconds = 0;                       ///< of which the daily trips on the cached choice path
                                                   ///< (the rest: month ends, policy events, cache rebuilds)
    int threads = 0;                               ///< threads of each rank
    int ranks = 1;                                 ///< MPI ranks the run was spread over
    std::int64_t bytes_reduced = 0;                ///< payload a rank passed to the month-end reductions
    Date end;                                      ///< last simulated day
};

/// Calls `f` with each record table that grows only at its end, month by month (a
/// checkpoint's appended records; projects are rewritten whole): a pointer to the member of Results.
template <class F>
void each_record_table(F&& f) {
    f(&Results::district_month);
    f(&Results::category_year);
    f(&Results::facility_month);
    f(&Results::score_month);
    f(&Results::score_resident);
    f(&Results::score_place);
}

}  // namespace lifecircle

#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/scenario.hpp"
#include "core/world.hpp"
#include "models/destination_choice.hpp"
#include "models/facility_reach.hpp"
#include "models/levers.hpp"
#include "models/market.hpp"
#include "models/project_list.hpp"

namespace lifecircle {

/// What policy events act on: the world, the facilities' reach, the plan's levers, and the
/// run's own lists of residents that new housing extends.
struct PolicyTarget {
    World& world;
    FacilityReach& reach;
    SiteChooser& sites;
    PlanLevers& levers;
    std::vector<std::vector<std::uint32_t>>& district_residents;  ///< residents of each district
    std::vector<std::int32_t>& added_day;                         ///< day each resident added by new housing moved in
    std::vector<Project>& projects;  ///< the project lists drawn so far; those not yet opened are queued
    EntrySites& entry_sites;         ///< where entrants look (new housing adds its commercial floor)
    /// The market as entrants price it (project lists weigh their private projects so): the
    /// choice cache, last month's needs per (district, category) and spend a visit (fen).
    const ChoiceCache* cache = nullptr;
    std::span<const std::int64_t> needs{};
    std::span<const std::int64_t> spend_fen{};
    /// The processes of the run that share the lists' work (none: this one alone).
    const WorkShare* share = nullptr;
};

/// Applies the scenario's event number `index` on day `day` (days since 1970-01-01): one
/// function per event type below. Categories whose facilities changed are marked in the
/// reach (FacilityReach::changed); new residents are appended to the world.
void apply_event(const PolicyEvent& e, std::size_t index, std::int64_t day, PolicyTarget& t);

/// The districts an event names (its district, or every district).
std::vector<std::size_t> event_districts(const Scenario& sc, const PolicyEvent& e);

/// join_programme: the districts join (night delivery, in_programme in the records).
void join_programme(const PolicyEvent& e, PolicyTarget& t);
/// subsidy: the category's rent cut and operating grant in the districts.
void apply_subsidy(const PolicyEvent& e, PolicyTarget& t);
/// plan_facility, elder_canteen, mobile_vendor: `count` new facilities per district, each at
/// the best site for its category (SiteChooser).
void plan_facilities(const PolicyEvent& e, std::int64_t day, PolicyTarget& t);
/// extend_hours: a standing rule in the districts from the event's date to its `until`: the
/// category's open shops keep the new hours, and so do those that open while it holds
/// (apply_standing_rules); it pays `night_grant_share` of their night staff cost.
void extend_hours(const PolicyEvent& e, PolicyTarget& t);
/// multi_function: a standing rule likewise: the category's shops, open now or later while it
/// holds, also serve the added categories.
void multi_function(const PolicyEvent& e, PolicyTarget& t);
/// Ends the standing rules whose last day was before `day`: the shops go back to their
/// category's hours and stop serving what the rule added. Returns whether any ended.
bool end_rules_due(std::int64_t day, PolicyTarget& t);
/// map_app: residents start using the map app until the district's share reaches `adoption`
/// (stream streams::app_adoption(index)).
void map_app(const PolicyEvent& e, std::size_t index, PolicyTarget& t);
/// close_facility: closes `count` of the district's open public and contracted facilities of
/// the category, the most recently opened first (ties: the higher id), or, with sites_xy,
/// the one nearest each place; fewer if fewer are open. These close by no other rule.
void close_facilities(const PolicyEvent& e, std::int64_t day, PolicyTarget& t);
/// circle_plan: the district's project list, drawn now from its gaps by the engine's own rules
/// (draw_project_list; the event's target, budget and covering method, the categories its
/// circle class covers), phased over the event's months and queued in `projects` (those dated
/// after the scenario's end dropped). Each private project is priced as an entrant would price
/// its site (expected_revenues); one that would not break even is given the operating grant
/// that makes it break even (`unprofitable = "support"`, public cost), dropped ("drop"), or
/// kept as it is ("keep").
void circle_plan(const PolicyEvent& e, std::size_t index, const Date& date, PolicyTarget& t);
/// Opens the queued projects due by `day` (in list order) as planned facilities at their
/// sites, their fit-out booked as capital; returns whether any opened.
bool open_projects_due(std::int64_t day, PolicyTarget& t);
/// new_housing: households of the district's mean size on its nodes (stream
/// streams::housing(index)), and their commercial floor (commercial_share of the homes'
/// floor, 100 m2 a household [E]) as a site entrants fill on expected profit
/// (EntrySites::add_floor), month by month: no shops open by decree.
void new_housing(const PolicyEvent& e, std::size_t index, std::int64_t day, PolicyTarget& t);

}  // namespace lifecircle

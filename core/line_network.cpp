#include "core/line_network.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <numbers>
#include <unordered_map>

#include "core/error.hpp"

namespace lifecircle {

namespace detail {
inline constexpr double kEarthRadius = 6371009.0;  // metres, as osmnx
inline constexpr double kDeg = std::numbers::pi / 180.0;
}  // namespace detail

void project(double lon0, double lat0, double lon, double lat, double& x, double& y) {
    x = detail::kEarthRadius * (lon - lon0) * detail::kDeg * std::cos(lat0 * detail::kDeg);
    y = detail::kEarthRadius * (lat - lat0) * detail::kDeg;
}

void unproject(double lon0, double lat0, double x, double y, double& lon, double& lat) {
    lon = lon0 + x / (detail::kEarthRadius * detail::kDeg * std::cos(lat0 * detail::kDeg));
    lat = lat0 + y / (detail::kEarthRadius * detail::kDeg);
}

double haversine(double lon1, double lat1, double lon2, double lat2) {
    const double p1 = lat1 * detail::kDeg, p2 = lat2 * detail::kDeg;
    const double dp = p2 - p1, dl = (lon2 - lon1) * detail::kDeg;
    const double h =
        std::sin(dp / 2) * std::sin(dp / 2) + std::cos(p1) * std::cos(p2) * std::sin(dl / 2) * std::sin(dl / 2);
    return 2.0 * detail::kEarthRadius * std::asin(std::min(1.0, std::sqrt(h)));
}

LineNetwork network_from_lines(const std::vector<LineRun>& runs, bool keep_largest_component,
                               const std::string& source) {
    LineNetwork out;
    // Projection centre: the middle of the walkable ways' bounding box.
    double lon_lo = 1e9, lon_hi = -1e9, lat_lo = 1e9, lat_hi = -1e9;
    for (const auto& run : runs)
        for (std::size_t i = 0; i < run.ids.size(); ++i) {
            lon_lo = std::min(lon_lo, run.lon[i]);
            lon_hi = std::max(lon_hi, run.lon[i]);
            lat_lo = std::min(lat_lo, run.lat[i]);
            lat_hi = std::max(lat_hi, run.lat[i]);
        }
    out.origin_lon = (lon_lo + lon_hi) / 2;
    out.origin_lat = (lat_lo + lat_hi) / 2;

    // Simplify as osmnx 2 does: graph nodes are nodes whose number of distinct neighbours
    // is not 2 (dead ends, junctions); chains of 2-neighbour nodes become one edge whose
    // length is the sum of its segments. Way boundaries alone do not make a node.
    struct Segment {
        std::uint32_t a, b;  // indices into the located-node arrays
        double length;
    };
    std::unordered_map<std::int64_t, std::uint32_t> local;
    std::vector<std::int64_t> osm_ids;
    std::vector<double> lons, lats;
    std::vector<Segment> segments;
    auto local_index = [&](std::int64_t id, double lon, double lat) {
        auto [it, inserted] = local.emplace(id, static_cast<std::uint32_t>(osm_ids.size()));
        if (inserted) {
            osm_ids.push_back(id);
            lons.push_back(lon);
            lats.push_back(lat);
        }
        return it->second;
    };
    for (const auto& run : runs) {
        auto prev = local_index(run.ids[0], run.lon[0], run.lat[0]);
        for (std::size_t i = 1; i < run.ids.size(); ++i) {
            const auto cur = local_index(run.ids[i], run.lon[i], run.lat[i]);
            if (cur != prev)  // a repeated node adds nothing
                segments.push_back({prev, cur, haversine(run.lon[i - 1], run.lat[i - 1], run.lon[i], run.lat[i])});
            prev = cur;
        }
    }
    const std::size_t located = osm_ids.size();
    std::vector<std::uint32_t> start(located + 1, 0);
    for (const auto& sg : segments) {
        ++start[sg.a + 1];
        ++start[sg.b + 1];
    }
    for (std::size_t i = 0; i < located; ++i) start[i + 1] += start[i];
    std::vector<std::uint32_t> incident(start.back());
    {
        std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
        for (std::uint32_t s = 0; s < segments.size(); ++s) {
            incident[fill[segments[s].a]++] = s;
            incident[fill[segments[s].b]++] = s;
        }
    }
    auto other = [&](std::uint32_t s, std::uint32_t v) { return segments[s].a == v ? segments[s].b : segments[s].a; };
    std::vector<std::uint8_t> endpoint(located, 0);
    for (std::uint32_t v = 0; v < located; ++v) {
        std::vector<std::uint32_t> neighbours;
        for (auto k = start[v]; k < start[v + 1]; ++k) neighbours.push_back(other(incident[k], v));
        std::sort(neighbours.begin(), neighbours.end());
        neighbours.erase(std::unique(neighbours.begin(), neighbours.end()), neighbours.end());
        endpoint[v] = neighbours.size() != 2;
    }
    std::vector<std::int64_t> ids, from, to;
    std::vector<double> xs, ys, length;
    std::vector<std::uint8_t> added(located, 0), used(segments.size(), 0);
    auto add_node = [&](std::uint32_t v) {
        if (added[v]) return;
        added[v] = 1;
        double x, y;
        project(out.origin_lon, out.origin_lat, lons[v], lats[v], x, y);
        ids.push_back(osm_ids[v]);
        xs.push_back(x);
        ys.push_back(y);
    };
    auto trace_from = [&](std::uint32_t e) {
        for (auto k = start[e]; k < start[e + 1]; ++k) {
            auto s = incident[k];
            if (used[s]) continue;
            std::uint32_t v = e;
            double acc = 0;
            while (true) {
                used[s] = 1;
                acc += segments[s].length;
                v = other(s, v);
                if (endpoint[v]) break;
                // a 2-neighbour node: continue on its unused segment (none: a closed ring)
                std::uint32_t next = UINT32_MAX;
                for (auto j = start[v]; j < start[v + 1]; ++j)
                    if (!used[incident[j]]) {
                        next = incident[j];
                        break;
                    }
                if (next == UINT32_MAX) break;
                s = next;
            }
            add_node(e);
            add_node(v);
            from.push_back(osm_ids[e]);
            to.push_back(osm_ids[v]);
            length.push_back(acc);
        }
    };
    for (std::uint32_t v = 0; v < located; ++v)
        if (endpoint[v]) trace_from(v);
    for (std::uint32_t v = 0; v < located; ++v)  // rings without a junction: cut at one node
        for (auto k = start[v]; k < start[v + 1]; ++k)
            if (!used[incident[k]]) {
                endpoint[v] = 1;
                trace_from(v);
            }
    out.network = WalkNetwork::from_arrays(std::move(ids), std::move(xs), std::move(ys), from, to, length,
                                           keep_largest_component, source);
    return out;
}

}  // namespace lifecircle

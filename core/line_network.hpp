#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/walk_network.hpp"

namespace lifecircle {

/// A line of located points as read: an OpenStreetMap way's run of nodes, or a GIS line's
/// vertices. `ids` name the points; a point shared by lines (a junction) has one id.
struct LineRun {
    std::vector<std::int64_t> ids;
    std::vector<double> lon, lat;  ///< degrees, WGS84
};

/// A walking network built from lines, and the centre of its projection.
struct LineNetwork {
    WalkNetwork network;
    double origin_lon = 0, origin_lat = 0;  ///< projection centre, degrees
};

/// The walking network of `runs`, simplified as osmnx 2 does: nodes are the points whose
/// number of distinct neighbours is not 2 (junctions, dead ends); a chain of 2-neighbour
/// points becomes one edge whose length is the sum of its segments' great-circle lengths
/// (haversine), metres. Nodes are projected (project) around the middle of the lines'
/// bounding box; the largest connected component is kept unless asked otherwise. The one
/// network builder of the OpenStreetMap and GIS imports.
LineNetwork network_from_lines(const std::vector<LineRun>& runs, bool keep_largest_component,
                               const std::string& source);

/// Planar metres from lon/lat around (lon0, lat0): equirectangular, exact enough for a
/// city (error below 0.1% within 20 km); used for snapping only, never for lengths.
void project(double lon0, double lat0, double lon, double lat, double& x, double& y);
/// The exact inverse of project: lon/lat of planar metres around (lon0, lat0).
void unproject(double lon0, double lat0, double x, double y, double& lon, double& lat);

/// Great-circle distance in metres (haversine, earth radius 6,371,009 m as osmnx).
double haversine(double lon1, double lat1, double lon2, double lat2);

}  // namespace lifecircle

#!/usr/bin/env python3
"""Converts the Natural Earth 110m TopoJSON of world-atlas 2.0.2 into world-110m.bin, the
fleet map's outlines (run at development time; the installed program reads the result).

  python3 convert_natural_earth.py ../../../shared/data/maps world-110m.bin

Format (little-endian): b"LMAP", uint32 version 1, then two sections, land rings and
country borders, each uint32 count followed by that many paths of uint32 n and n pairs of
int16 (longitude, latitude) in hundredths of a degree.
"""
import json
import struct
import sys


def decode_arcs(topology):
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indices):
    points = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def quantize(points):
    out = []
    for lon, lat in points:
        q = (round(lon * 100), round(lat * 100))
        if not out or out[-1] != q:
            out.append(q)
    return out


def write_paths(stream, paths):
    stream.write(struct.pack("<I", len(paths)))
    for path in paths:
        stream.write(struct.pack("<I", len(path)))
        for lon, lat in path:
            stream.write(struct.pack("<hh", lon, lat))


def main(source_dir, target):
    land = json.load(open(f"{source_dir}/land-110m.json"))
    land_arcs = decode_arcs(land)
    rings = []
    for geometry in land["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for indices in polygon:
                points = quantize(ring(land_arcs, indices))
                if len(points) >= 4:
                    rings.append(points)

    countries = json.load(open(f"{source_dir}/countries-110m.json"))
    country_arcs = decode_arcs(countries)
    uses = {}
    for geometry in countries["objects"]["countries"]["geometries"]:
        polygons = geometry.get("arcs", [])
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            for indices in polygon:
                for index in indices:
                    key = index if index >= 0 else ~index
                    uses[key] = uses.get(key, 0) + 1
    # Arcs shared by two countries are borders; the others are coastline (drawn as land).
    borders = [quantize(country_arcs[i]) for i, n in sorted(uses.items()) if n >= 2]
    borders = [b for b in borders if len(b) >= 2]

    with open(target, "wb") as stream:
        stream.write(b"LMAP" + struct.pack("<I", 1))
        write_paths(stream, rings)
        write_paths(stream, borders)
    print(f"{target}: {len(rings)} land rings, {len(borders)} borders, "
          f"{sum(map(len, rings)) + sum(map(len, borders))} points")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

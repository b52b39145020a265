#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Laces::Core {

// The path of the first member name that a JSON object repeats, as fields are named in
// error messages: "name", "materials.crank.preset", "samples[3].metrics.rpm". Names are
// compared after unescaping ("n\u0061me" repeats "name"). Nothing when no object repeats a
// name. Meant for text a JSON parser accepted; on other text it stops at the first thing it
// does not understand and answers nothing, without reading past the end.
//
// QJsonDocument keeps the last of repeated names silently; RFC 8259 leaves the meaning
// open, so an input that repeats one is ambiguous and refused at the boundary.
std::optional<QString> firstRepeatedKey(QByteArrayView json);

} // namespace Laces::Core

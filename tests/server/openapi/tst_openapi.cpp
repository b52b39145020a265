#include "testserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QUuid>

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

using namespace Laces;
using Laces::Tests::Reply;

namespace {

const QStringList &httpMethods()
{
    static const QStringList methods{QStringLiteral("get"),    QStringLiteral("put"),  QStringLiteral("post"),
                                     QStringLiteral("delete"), QStringLiteral("patch"), QStringLiteral("head"),
                                     QStringLiteral("options"), QStringLiteral("trace")};
    return methods;
}

QString shortJson(const QJsonValue &value)
{
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2)).left(120);
}

QByteArray compactJson(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    return shortJson(value).toUtf8();
}

// The JSON Schema the document's schemas use (OpenAPI 3.1 is JSON Schema 2020-12): type
// (type arrays for null), enum, const, required, properties, additionalProperties,
// propertyNames, min/maxProperties, items, min/maxItems, uniqueItems, min/maxLength,
// pattern, format uuid and date-time (loosely), minimum/maximum (and exclusive ones),
// allOf, anyOf, oneOf, and $ref into the document.
class SchemaValidator
{
public:
    explicit SchemaValidator(QJsonObject document)
        : m_document(std::move(document))
    {
    }

    // What a local reference ("#/components/schemas/Twin") points to; undefined if nothing.
    QJsonValue pointer(const QString &ref) const
    {
        if (!ref.startsWith(QLatin1String("#/")))
            return QJsonValue(QJsonValue::Undefined);
        QJsonValue at = m_document;
        const QStringList parts = ref.mid(2).split(QLatin1Char('/'));
        for (QString part : parts) {
            part.replace(QLatin1String("~1"), QLatin1String("/")).replace(QLatin1String("~0"), QLatin1String("~"));
            if (!at.isObject())
                return QJsonValue(QJsonValue::Undefined);
            at = at.toObject().value(part);
        }
        return at;
    }

    // An object with its $ref followed (responses, parameters, request bodies).
    QJsonObject resolved(QJsonObject object) const
    {
        for (int hops = 0; object.contains(QStringLiteral("$ref")) && hops < 10; ++hops)
            object = pointer(object.value(QStringLiteral("$ref")).toString()).toObject();
        return object;
    }

    // Empty when `value` matches `schema`; else where and why it does not.
    QString validate(const QJsonValue &value, const QJsonValue &schemaValue, const QString &where = QStringLiteral("$")) const
    {
        if (schemaValue.isBool())
            return schemaValue.toBool() ? QString() : where + QStringLiteral(": no value is allowed here");
        if (!schemaValue.isObject())
            return where + QStringLiteral(": the schema is not an object");
        const QJsonObject schema = schemaValue.toObject();
        const auto has = [&](const char *keyword) { return schema.contains(QLatin1String(keyword)); };
        const auto get = [&](const char *keyword) { return schema.value(QLatin1String(keyword)); };

        if (has("$ref")) {
            const QString ref = get("$ref").toString();
            const QJsonValue target = pointer(ref);
            if (!target.isObject() && !target.isBool())
                return where + QStringLiteral(": unresolvable $ref ") + ref;
            if (const QString problem = validate(value, target, where); !problem.isEmpty())
                return problem;
        }
        if (has("type")) {
            QStringList types;
            if (get("type").isArray()) {
                for (const QJsonValue &type : get("type").toArray())
                    types.append(type.toString());
            } else {
                types.append(get("type").toString());
            }
            bool matched = false;
            for (const QString &type : std::as_const(types))
                matched = matched || hasType(value, type);
            if (!matched)
                return where + QStringLiteral(": %1 is not of type %2").arg(shortJson(value), types.join(QStringLiteral(" or ")));
        }
        if (has("enum") && !get("enum").toArray().contains(value))
            return where + QStringLiteral(": %1 is not one of %2").arg(shortJson(value), shortJson(get("enum")));
        if (has("const") && get("const") != value)
            return where + QStringLiteral(": %1 is not %2").arg(shortJson(value), shortJson(get("const")));
        if (has("allOf")) {
            for (const QJsonValue &part : get("allOf").toArray()) {
                if (const QString problem = validate(value, part, where); !problem.isEmpty())
                    return problem;
            }
        }
        if (has("anyOf")) {
            QStringList problems;
            for (const QJsonValue &part : get("anyOf").toArray()) {
                const QString problem = validate(value, part, where);
                if (problem.isEmpty()) {
                    problems.clear();
                    break;
                }
                problems.append(problem);
            }
            if (!problems.isEmpty())
                return where + QStringLiteral(": matches none of anyOf (") + problems.join(QStringLiteral("; ")) + QLatin1Char(')');
        }
        if (has("oneOf")) {
            int matches = 0;
            QStringList problems;
            for (const QJsonValue &part : get("oneOf").toArray()) {
                const QString problem = validate(value, part, where);
                if (problem.isEmpty())
                    ++matches;
                else
                    problems.append(problem);
            }
            if (matches != 1)
                return where + QStringLiteral(": matches %1 of oneOf, not exactly one (").arg(matches)
                       + problems.join(QStringLiteral("; ")) + QLatin1Char(')');
        }

        if (value.isString()) {
            const QString text = value.toString();
            if (has("minLength") && text.size() < get("minLength").toInt())
                return where + QStringLiteral(": shorter than %1").arg(get("minLength").toInt());
            if (has("maxLength") && text.size() > get("maxLength").toInt())
                return where + QStringLiteral(": longer than %1").arg(get("maxLength").toInt());
            if (has("pattern")) {
                const QRegularExpression pattern(get("pattern").toString());
                if (!pattern.isValid())
                    return where + QStringLiteral(": the pattern %1 does not compile").arg(get("pattern").toString());
                if (!pattern.match(text).hasMatch())
                    return where + QStringLiteral(": %1 does not match %2").arg(shortJson(value), get("pattern").toString());
            }
            static const QRegularExpression uuid(
                QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
            static const QRegularExpression dateTime(QStringLiteral(
                "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}(:?\\d{2})?)$"));
            const QString format = get("format").toString();
            if (format == QLatin1String("uuid") && !uuid.match(text).hasMatch())
                return where + QStringLiteral(": %1 is not a UUID").arg(shortJson(value));
            if (format == QLatin1String("date-time") && !dateTime.match(text).hasMatch())
                return where + QStringLiteral(": %1 is not an RFC 3339 date-time").arg(shortJson(value));
        }
        if (value.isDouble()) {
            const double number = value.toDouble();
            if (has("minimum") && number < get("minimum").toDouble())
                return where + QStringLiteral(": %1 is below %2").arg(number).arg(get("minimum").toDouble());
            if (has("maximum") && number > get("maximum").toDouble())
                return where + QStringLiteral(": %1 is above %2").arg(number).arg(get("maximum").toDouble());
            if (has("exclusiveMinimum") && number <= get("exclusiveMinimum").toDouble())
                return where + QStringLiteral(": %1 is not above %2").arg(number).arg(get("exclusiveMinimum").toDouble());
            if (has("exclusiveMaximum") && number >= get("exclusiveMaximum").toDouble())
                return where + QStringLiteral(": %1 is not below %2").arg(number).arg(get("exclusiveMaximum").toDouble());
        }
        if (value.isArray()) {
            const QJsonArray array = value.toArray();
            if (has("minItems") && array.size() < get("minItems").toInt())
                return where + QStringLiteral(": fewer than %1 items").arg(get("minItems").toInt());
            if (has("maxItems") && array.size() > get("maxItems").toInt())
                return where + QStringLiteral(": more than %1 items").arg(get("maxItems").toInt());
            if (get("uniqueItems").toBool()) {
                for (qsizetype i = 0; i < array.size(); ++i) {
                    for (qsizetype j = i + 1; j < array.size(); ++j) {
                        if (array.at(i) == array.at(j))
                            return where + QStringLiteral(": items %1 and %2 are equal").arg(i).arg(j);
                    }
                }
            }
            if (has("items")) {
                for (qsizetype i = 0; i < array.size(); ++i) {
                    if (const QString problem = validate(array.at(i), get("items"), where + QStringLiteral("[%1]").arg(i));
                        !problem.isEmpty())
                        return problem;
                }
            }
        }
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (const QJsonValue &name : get("required").toArray()) {
                if (!object.contains(name.toString()))
                    return where + QStringLiteral(": '%1' is missing").arg(name.toString());
            }
            if (has("minProperties") && object.size() < get("minProperties").toInt())
                return where + QStringLiteral(": fewer than %1 properties").arg(get("minProperties").toInt());
            if (has("maxProperties") && object.size() > get("maxProperties").toInt())
                return where + QStringLiteral(": more than %1 properties").arg(get("maxProperties").toInt());
            const QJsonObject properties = get("properties").toObject();
            for (auto it = object.begin(); it != object.end(); ++it) {
                const QString at = where + QLatin1Char('.') + it.key();
                if (has("propertyNames")) {
                    if (const QString problem = validate(QJsonValue(it.key()), get("propertyNames"), at); !problem.isEmpty())
                        return problem;
                }
                QString problem;
                if (properties.contains(it.key()))
                    problem = validate(it.value(), properties.value(it.key()), at);
                else if (has("additionalProperties"))
                    problem = validate(it.value(), get("additionalProperties"), at);
                if (!problem.isEmpty())
                    return problem;
            }
        }
        return {};
    }

private:
    static bool hasType(const QJsonValue &value, const QString &type)
    {
        if (type == QLatin1String("null"))
            return value.isNull();
        if (type == QLatin1String("boolean"))
            return value.isBool();
        if (type == QLatin1String("object"))
            return value.isObject();
        if (type == QLatin1String("array"))
            return value.isArray();
        if (type == QLatin1String("string"))
            return value.isString();
        if (type == QLatin1String("number"))
            return value.isDouble();
        if (type == QLatin1String("integer"))
            return value.isDouble() && std::isfinite(value.toDouble()) && std::floor(value.toDouble()) == value.toDouble();
        return false;
    }

    QJsonObject m_document;
};

QJsonObject schemaRef(const QString &name)
{
    return {{QStringLiteral("$ref"), QStringLiteral("#/components/schemas/") + name}};
}

} // namespace

// server/ops/openapi.json, as the server serves it at GET /openapi.json, against the
// server itself: every route documented and nothing else, the examples accepted and the
// answers shaped as documented.
class tst_OpenApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyRouteDocumented();
    void documentedExamplesValidate();
    void errorShape();

private:
    struct Operation
    {
        QString method;  // lower case, as the document has it
        QString path;    // the document's template, "/twins/{id}"
        QJsonObject object;
        QJsonArray parameters;  // the path item's and the operation's, $refs followed
    };

    QList<Operation> operations() const;
    static QString label(const Operation &operation) { return operation.method.toUpper() + QLatin1Char(' ') + operation.path; }
    // What an x-needs or x-resource name stands for: an id (or a time) made here, or empty
    // when this test cannot make one.
    QString resolve(const QString &need);
    QString make(const QString &need);
    // Resolves the operation's needs into `values`; the first one that cannot be, else empty.
    QString resolveNeeds(const Operation &operation, QHash<QString, QString> *values);
    // The operation's path with its parameters filled in (empty when one has no value);
    // with `anyIds` the documented examples do.
    QString fill(const Operation &operation, const QHash<QString, QString> &values, bool anyIds = false) const;
    // The example's placeholders (x-placeholders) replaced with what they stand for.
    QString substitute(QString text, const QHash<QString, QString> &values) const;
    // Empty when the reply's status is documented for the operation and its body matches.
    QString checkReply(const Operation &operation, const Reply &reply) const;

    Tests::TestServer m_server;
    QByteArray m_token;
    QJsonObject m_document;
    std::unique_ptr<SchemaValidator> m_validator;
    QHash<QString, QString> m_made;
};

void tst_OpenApi::initTestCase()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.errorString()));
    m_server.registerUser(QStringLiteral("openapi-admin"), QStringLiteral("openapi-admin-pass"));
    m_token = m_server.login(QStringLiteral("openapi-admin"), QStringLiteral("openapi-admin-pass"));
    QVERIFY(!m_token.isEmpty());
    const Reply document = m_server.request("GET", QStringLiteral("/openapi.json"));
    QCOMPARE(document.status, 200);
    QVERIFY(document.headers.value("content-type").startsWith("application/json"));
    m_document = document.json;
    QCOMPARE(m_document.value(QStringLiteral("openapi")).toString(), QStringLiteral("3.1.0"));
    QVERIFY(!m_document.value(QStringLiteral("paths")).toObject().isEmpty());
    m_validator = std::make_unique<SchemaValidator>(m_document);
}

QList<tst_OpenApi::Operation> tst_OpenApi::operations() const
{
    QList<Operation> all;
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    for (auto path = paths.begin(); path != paths.end(); ++path) {
        const QJsonObject item = path.value().toObject();
        for (const QString &method : httpMethods()) {
            if (!item.contains(method))
                continue;
            Operation operation{method, path.key(), item.value(method).toObject(), {}};
            for (const QJsonArray &list : {item.value(QStringLiteral("parameters")).toArray(),
                                           operation.object.value(QStringLiteral("parameters")).toArray()}) {
                for (const QJsonValue &parameter : list)
                    operation.parameters.append(m_validator->resolved(parameter.toObject()));
            }
            all.append(operation);
        }
    }
    return all;
}

void tst_OpenApi::everyRouteDocumented()
{
    const QList<QPair<QByteArray, QString>> routes = m_server.server().routeTable();
    QVERIFY(!routes.isEmpty());
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    static const QRegularExpression typed(QStringLiteral("\\{([A-Za-z_][A-Za-z0-9_]*):[A-Za-z]+\\}"));
    QSet<QString> registered;
    QStringList missing;
    for (const auto &[method, pattern] : routes) {
        QString path = pattern;
        path.replace(typed, QStringLiteral("{\\1}"));
        const QString lower = QString::fromLatin1(method).toLower();
        registered.insert(lower + QLatin1Char(' ') + path);
        if (!paths.value(path).toObject().contains(lower))
            missing.append(QString::fromLatin1(method) + QLatin1Char(' ') + pattern);
    }
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("routes missing from openapi.json: ") + missing.join(QStringLiteral(", "))));

    QStringList stale, incomplete;
    QSet<QString> operationIds;
    for (const Operation &operation : operations()) {
        if (!registered.contains(operation.method + QLatin1Char(' ') + operation.path))
            stale.append(label(operation));
        const QString id = operation.object.value(QStringLiteral("operationId")).toString();
        const QStringList codes = operation.object.value(QStringLiteral("responses")).toObject().keys();
        const bool success = std::any_of(codes.begin(), codes.end(),
                                         [](const QString &code) { return code.startsWith(QLatin1Char('2')); });
        if (id.isEmpty() || operationIds.contains(id) || !success
            || !operation.object.value(QStringLiteral("security")).isArray())
            incomplete.append(label(operation));
        operationIds.insert(id);
    }
    QVERIFY2(stale.isEmpty(), qPrintable(QStringLiteral("documented but not routed: ") + stale.join(QStringLiteral(", "))));
    QVERIFY2(incomplete.isEmpty(),
             qPrintable(QStringLiteral("operations without a unique operationId, a 2xx answer or an explicit security: ")
                        + incomplete.join(QStringLiteral(", "))));
}

QString tst_OpenApi::make(const QString &need)
{
    const auto idIf = [](const Reply &reply, int status) {
        return reply.status == status ? reply.json.value(QStringLiteral("id")).toString() : QString();
    };
    if (need == QLatin1String("twin")) {
        const QString id = idIf(m_server.requestJson("POST", QStringLiteral("/twins"), m_token,
                                                     {{QStringLiteral("name"), QStringLiteral("OpenAPI fixture twin")}}),
                                201);
        if (id.isEmpty())
            return {};
        // The upload example's model, so that the component names the examples use exist.
        const QString model = m_validator->pointer(QStringLiteral(
            "#/paths/~1twins~1{id}~1models/post/requestBody/content/model~1obj/example")).toString();
        const Reply uploaded = m_server.request("POST", QStringLiteral("/twins/%1/models").arg(id), m_token, model.toUtf8(),
                                                {{"Content-Type", "model/obj"}, {"X-Filename", "fixture.obj"}});
        if (uploaded.status != 201 && uploaded.status != 200)
            return {};
        const Reply version = m_server.requestJson("POST", QStringLiteral("/twins/%1/versions").arg(id), m_token,
                                                   {{QStringLiteral("parents"), QJsonArray()},
                                                    {QStringLiteral("message"), QStringLiteral("Import")},
                                                    {QStringLiteral("model_sha256"), uploaded.json.value(QStringLiteral("sha256"))},
                                                    {QStringLiteral("model_filename"), QStringLiteral("fixture.obj")}});
        return version.status == 201 ? id : QString();
    }
    if (need == QLatin1String("node")) {
        QJsonObject body{{QStringLiteral("name"), QStringLiteral("OpenAPI fixture node")},
                         {QStringLiteral("type"), QStringLiteral("hydraulic_press")},
                         {QStringLiteral("latitude"), 48.78},
                         {QStringLiteral("longitude"), 9.18},
                         {QStringLiteral("site"), QStringLiteral("Fixture site")},
                         {QStringLiteral("sensors"), QJsonArray{QJsonObject{{QStringLiteral("metric"), QStringLiteral("temperature_c")},
                                                                            {QStringLiteral("max"), 95}}}}};
        if (const QString twin = resolve(QStringLiteral("twin")); !twin.isEmpty())
            body.insert(QStringLiteral("twin_id"), twin);
        return idIf(m_server.requestJson("POST", QStringLiteral("/nodes"), m_token, body), 201);
    }
    if (need == QLatin1String("session"))
        return m_server.request("GET", QStringLiteral("/auth/me"), m_token).json.value(QStringLiteral("session_id")).toString();
    if (need == QLatin1String("user"))
        return m_server.createUser(m_token, QStringLiteral("openapi-viewer"), QStringLiteral("viewer"),
                                   QStringLiteral("openapi-viewer-pass"))
            .value(QStringLiteral("id"))
            .toString();
    if (need == QLatin1String("ticket")) {
        const QString node = resolve(QStringLiteral("node"));
        if (node.isEmpty())
            return {};
        return idIf(m_server.requestJson("POST", QStringLiteral("/maintenance/tickets"), m_token,
                                         {{QStringLiteral("title"), QStringLiteral("OpenAPI fixture ticket")},
                                          {QStringLiteral("severity"), QStringLiteral("MEDIUM")},
                                          {QStringLiteral("node_id"), node}}),
                    201);
    }
    if (need == QLatin1String("alert-rule"))
        return idIf(m_server.requestJson("POST", QStringLiteral("/alert-rules"), m_token,
                                         {{QStringLiteral("name"), QStringLiteral("OpenAPI fixture rule")},
                                          {QStringLiteral("metric"), QStringLiteral("vibration_x_g")},
                                          {QStringLiteral("direction"), QStringLiteral("above")},
                                          {QStringLiteral("level"), 0.5},
                                          {QStringLiteral("severity"), QStringLiteral("MEDIUM")}}),
                    201);
    if (need == QLatin1String("alert-channel"))
        return idIf(m_server.requestJson("POST", QStringLiteral("/alert-channels"), m_token,
                                         {{QStringLiteral("name"), QStringLiteral("OpenAPI fixture channel")},
                                          {QStringLiteral("kind"), QStringLiteral("email")},
                                          {QStringLiteral("recipients"), QJsonArray{QStringLiteral("fixture@example.org")}}}),
                    201);
    if (need == QLatin1String("api-key")) {
        const QString node = resolve(QStringLiteral("node"));
        if (node.isEmpty())
            return {};
        return idIf(m_server.requestJson("POST", QStringLiteral("/nodes/%1/api-keys").arg(node), m_token,
                                         {{QStringLiteral("name"), QStringLiteral("openapi-fixture")}}),
                    201);
    }
    if (need == QLatin1String("simulation")) {
        const QString twin = resolve(QStringLiteral("twin"));
        if (twin.isEmpty())
            return {};
        return idIf(m_server.requestJson("POST", QStringLiteral("/twins/%1/simulations").arg(twin), m_token,
                                         {{QStringLiteral("horizon_years"), 1},
                                          {QStringLiteral("step"), QStringLiteral("week")},
                                          {QStringLiteral("profile"), QJsonObject{{QStringLiteral("rpm"), 1000},
                                                                                  {QStringLiteral("load"), 0.5}}}}),
                    201);
    }
    if (need == QLatin1String("example-user")) {
        // The account the login example logs in with.
        const QJsonObject login = m_validator->pointer(QStringLiteral(
            "#/paths/~1auth~1login/post/requestBody/content/application~1json/example")).toObject();
        const QString username = login.value(QStringLiteral("username")).toString();
        const Reply registered = m_server.requestJson("POST", QStringLiteral("/auth/register"), {},
                                                      {{QStringLiteral("username"), username},
                                                       {QStringLiteral("email"), username + QStringLiteral("@example.org")},
                                                       {QStringLiteral("password"), login.value(QStringLiteral("password"))}});
        return registered.status == 201 ? username : QString();
    }
    return {};  // training-history, anomaly-model, lock: not made here
}

QString tst_OpenApi::resolve(const QString &need)
{
    if (need == QLatin1String("now"))
        return QDateTime::currentDateTimeUtc().addSecs(-2).toString(Qt::ISODateWithMs);
    if (need == QLatin1String("version")) {  // the latest, which examples move on
        const QString twin = resolve(QStringLiteral("twin"));
        if (twin.isEmpty())
            return {};
        return m_server.request("GET", QStringLiteral("/twins/") + twin, m_token)
            .json.value(QStringLiteral("latest_version_id"))
            .toString();
    }
    if (!m_made.contains(need)) {
        const QString made = make(need);
        m_made.insert(need, made);
    }
    return m_made.value(need);
}

QString tst_OpenApi::resolveNeeds(const Operation &operation, QHash<QString, QString> *values)
{
    QStringList needs;
    for (const QJsonValue &need : operation.object.value(QStringLiteral("x-needs")).toArray())
        needs.append(need.toString());
    for (const QJsonValue &parameter : operation.parameters) {
        const QString resource = parameter.toObject().value(QStringLiteral("x-resource")).toString();
        if (!resource.isEmpty() && !needs.contains(resource))
            needs.append(resource);
    }
    for (const QString &need : std::as_const(needs)) {
        const QString value = resolve(need);
        if (value.isEmpty())
            return need;
        values->insert(need, value);
    }
    return {};
}

QString tst_OpenApi::fill(const Operation &operation, const QHash<QString, QString> &values, bool anyIds) const
{
    static const QRegularExpression template_(QStringLiteral("\\{([^}/]+)\\}"));
    QString path = operation.path;
    for (QRegularExpressionMatch match = template_.match(path); match.hasMatch(); match = template_.match(path)) {
        const QString name = match.captured(1);
        QString value;
        for (const QJsonValue &entry : operation.parameters) {
            const QJsonObject parameter = entry.toObject();
            if (parameter.value(QStringLiteral("in")).toString() != QLatin1String("path")
                || parameter.value(QStringLiteral("name")).toString() != name)
                continue;
            const QString resource = parameter.value(QStringLiteral("x-resource")).toString();
            value = !anyIds && !resource.isEmpty() ? values.value(resource)
                                                   : parameter.value(QStringLiteral("example")).toString();
            if (value.isEmpty() && anyIds)
                value = QUuid::createUuid().toString(QUuid::WithoutBraces);
        }
        if (value.isEmpty())
            return {};
        path.replace(match.capturedStart(), match.capturedLength(), value);
    }
    return path;
}

QString tst_OpenApi::substitute(QString text, const QHash<QString, QString> &values) const
{
    const QJsonObject placeholders = m_document.value(QStringLiteral("x-placeholders")).toObject();
    for (auto it = values.begin(); it != values.end(); ++it) {
        const QString placeholder = placeholders.value(it.key()).toString();
        if (!placeholder.isEmpty())
            text.replace(placeholder, it.value());
    }
    return text;
}

QString tst_OpenApi::checkReply(const Operation &operation, const Reply &reply) const
{
    const QJsonObject responses = operation.object.value(QStringLiteral("responses")).toObject();
    const QString status = QString::number(reply.status);
    QJsonValue documented = responses.value(status);
    if (documented.isUndefined())
        documented = responses.value(status.left(1) + QStringLiteral("XX"));
    if (documented.isUndefined())
        documented = responses.value(QStringLiteral("default"));
    if (documented.isUndefined())
        return QStringLiteral("status %1 is not documented (body %2)").arg(status, QString::fromUtf8(reply.body.left(400)));
    const QJsonObject response = m_validator->resolved(documented.toObject());
    const QJsonObject content = response.value(QStringLiteral("content")).toObject();
    if (content.isEmpty())
        return reply.body.isEmpty() ? QString() : QStringLiteral("status %1 is documented without a body, but one came").arg(status);
    const QString type = QString::fromLatin1(reply.headers.value("content-type").split(';').first().trimmed());
    if (!content.contains(type))
        return QStringLiteral("status %1 came as '%2'; documented: %3").arg(status, type, content.keys().join(QStringLiteral(", ")));
    if (type != QLatin1String("application/json"))
        return {};
    QJsonParseError error;
    const QJsonDocument body = QJsonDocument::fromJson(reply.body, &error);
    if (error.error != QJsonParseError::NoError)
        return QStringLiteral("status %1: the body is no JSON: %2").arg(status, error.errorString());
    const QJsonValue value = body.isArray() ? QJsonValue(body.array()) : QJsonValue(body.object());
    const QString problem = m_validator->validate(value, content.value(type).toObject().value(QStringLiteral("schema")));
    return problem.isEmpty() ? QString()
                             : QStringLiteral("status %1: %2 (body %3)").arg(status, problem, QString::fromUtf8(reply.body.left(300)));
}

void tst_OpenApi::documentedExamplesValidate()
{
    QStringList failures, skipped;
    const QList<Operation> all = operations();

    // Every request example, sent as documented by an admin: accepted, and answered as documented.
    int sent = 0;
    for (const Operation &operation : all) {
        const QJsonObject body = m_validator->resolved(operation.object.value(QStringLiteral("requestBody")).toObject());
        const QJsonObject content = body.value(QStringLiteral("content")).toObject();
        for (auto media = content.begin(); media != content.end(); ++media) {
            const QJsonObject mediaType = media.value().toObject();
            if (!mediaType.contains(QStringLiteral("example")))
                continue;
            const QString what = label(operation) + QStringLiteral(" (") + media.key() + QLatin1Char(')');
            QHash<QString, QString> values;
            if (const QString missing = resolveNeeds(operation, &values); !missing.isEmpty()) {
                skipped.append(what + QStringLiteral(": needs ") + missing);
                continue;
            }
            const QString path = fill(operation, values);
            if (path.isEmpty()) {
                skipped.append(what + QStringLiteral(": a path parameter has no value"));
                continue;
            }
            const QJsonValue example = mediaType.value(QStringLiteral("example"));
            const QString text = example.isString() ? example.toString() : QString::fromUtf8(compactJson(example));
            const Reply reply = m_server.request(operation.method.toUpper().toLatin1(), path, m_token,
                                                 substitute(text, values).toUtf8(),
                                                 {{"Content-Type", media.key().toLatin1()}});
            ++sent;
            if (const QString problem = checkReply(operation, reply); !problem.isEmpty())
                failures.append(what + QStringLiteral(": ") + problem);
            else if (reply.status >= 300)
                failures.append(what + QStringLiteral(": the example was refused with %1: %2")
                                           .arg(reply.status)
                                           .arg(QString::fromUtf8(reply.body.left(400))));
            // A lock an example took would fence the writes of later examples.
            if (reply.status == 201 && reply.json.contains(QStringLiteral("lock_id")))
                m_server.request("DELETE", QStringLiteral("/locks/") + reply.json.value(QStringLiteral("lock_id")).toString(),
                                 m_token);
        }
    }

    // Every GET that needs no query parameter and whose ids this test can make: 200 as documented.
    int fetched = 0;
    for (const Operation &operation : all) {
        if (operation.method != QLatin1String("get"))
            continue;
        bool requiredQuery = false;
        for (const QJsonValue &parameter : operation.parameters) {
            requiredQuery = requiredQuery
                            || (parameter.toObject().value(QStringLiteral("in")).toString() == QLatin1String("query")
                                && parameter.toObject().value(QStringLiteral("required")).toBool());
        }
        if (requiredQuery) {
            skipped.append(label(operation) + QStringLiteral(": has a required query parameter"));
            continue;
        }
        QHash<QString, QString> values;
        if (const QString missing = resolveNeeds(operation, &values); !missing.isEmpty()) {
            skipped.append(label(operation) + QStringLiteral(": needs ") + missing);
            continue;
        }
        const QString path = fill(operation, values);
        if (path.isEmpty()) {
            skipped.append(label(operation) + QStringLiteral(": a path parameter has no value"));
            continue;
        }
        const Reply reply = m_server.request("GET", path, m_token);
        ++fetched;
        if (reply.status != 200)
            failures.append(label(operation) + QStringLiteral(": %1 instead of 200: %2")
                                                   .arg(reply.status)
                                                   .arg(QString::fromUtf8(reply.body.left(400))));
        else if (const QString problem = checkReply(operation, reply); !problem.isEmpty())
            failures.append(label(operation) + QStringLiteral(": ") + problem);
    }

    // Every operation that needs a bearer token, called without one: 401 with an Error body.
    int refused = 0;
    for (const Operation &operation : all) {
        if (operation.object.value(QStringLiteral("security")).toArray().isEmpty())
            continue;
        const QString path = fill(operation, {}, true);
        if (path.isEmpty()) {
            failures.append(label(operation) + QStringLiteral(": a path parameter has no example"));
            continue;
        }
        const Reply reply = m_server.request(operation.method.toUpper().toLatin1(), path);
        ++refused;
        if (reply.status != 401)
            failures.append(label(operation) + QStringLiteral(" without a token: %1 instead of 401").arg(reply.status));
        else if (const QString problem = checkReply(operation, reply); !problem.isEmpty())
            failures.append(label(operation) + QStringLiteral(" without a token: ") + problem);
        else if (const QString shape = m_validator->validate(reply.json, schemaRef(QStringLiteral("Error"))); !shape.isEmpty())
            failures.append(label(operation) + QStringLiteral(" without a token: ") + shape);
    }

    if (!skipped.isEmpty())
        qInfo().noquote() << QStringLiteral("not exercised:\n  ") + skipped.join(QStringLiteral("\n  "));
    qInfo().noquote() << QStringLiteral("%1 examples sent, %2 GETs checked, %3 operations refused without a token")
                             .arg(sent)
                             .arg(fetched)
                             .arg(refused);
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    // The test must not pass by skipping everything.
    QVERIFY2(sent >= 20, qPrintable(QStringLiteral("only %1 examples sent").arg(sent)));
    QVERIFY2(fetched >= 30, qPrintable(QStringLiteral("only %1 GETs checked").arg(fetched)));
    QVERIFY2(refused >= 60, qPrintable(QStringLiteral("only %1 protected operations called").arg(refused)));
}

void tst_OpenApi::errorShape()
{
    const QJsonObject error = schemaRef(QStringLiteral("Error"));
    // The validator itself refuses what is not an Error.
    QVERIFY(!m_validator->validate(QJsonObject{{QStringLiteral("message"), QStringLiteral("x")}}, error).isEmpty());
    QVERIFY(!m_validator->validate(QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), 404}}}}, error)
                 .isEmpty());

    const Reply unknown = m_server.request("GET", QStringLiteral("/no/such/resource"), m_token);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.errorCode(), QStringLiteral("not_found"));
    QString problem = m_validator->validate(unknown.json, error);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const Reply badId = m_server.request("GET", QStringLiteral("/twins/not-a-uuid"), m_token);
    QCOMPARE(badId.status, 400);
    QCOMPARE(badId.errorField(), QStringLiteral("id"));
    problem = m_validator->validate(badId.json, error);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const Reply wrongMethod = m_server.request("PUT", QStringLiteral("/health"));
    QCOMPARE(wrongMethod.status, 405);
    QVERIFY(wrongMethod.headers.value("allow").contains("GET"));
    problem = m_validator->validate(wrongMethod.json, error);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

QTEST_GUILESS_MAIN(tst_OpenApi)
#include "tst_openapi.moc"

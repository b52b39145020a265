#include "livecollaboration.h"

#include "editleases.h"
#include "historypanel.h"
#include "propertiespanel.h"
#include "session.h"
#include "viewer/sceneview.h"

#include <QJsonArray>
#include <QListWidget>
#include <QPixmap>
#include <QUndoStack>
#include <QUuid>

namespace Laces::App {

namespace {
const QColor kLockedByOthers(214, 96, 77);
}

LiveCollaboration::LiveCollaboration(Session *session, QString twinId, Parts parts, QWidget *parent)
    : QObject(parent)
    , m_session(session)
    , m_twinId(std::move(twinId))
    , m_parts(parts)
    , m_client(new CollaborationClient(session->client()->baseUrl(), session->client()->token(), m_twinId, this))
    , m_leases(new EditLeases(session, m_twinId, this))
    , m_people(new QListWidget(parent))
    // One replica per open workspace: two windows of one login keep separate counters.
    , m_replica(session->user().value(QStringLiteral("session_id")).toString() + QLatin1Char('/')
                + QUuid::createUuid().toString(QUuid::Id128).left(12))
{
    m_people->setObjectName(QStringLiteral("people"));
    m_people->setToolTip(tr("Who else has this twin open"));

    // Own edits: a lock first for components, then an edit operation; the lock's token
    // goes with the save.
    m_parts.properties->setEditGate([this](const QString &component, std::function<void(bool, const QString &)> done) {
        m_leases->acquire(component, std::move(done));
    });
    m_parts.properties->setSaveHeaders([this] {
        const QByteArray token = m_leases->token();
        return token.isEmpty() ? ApiClient::Headers() : ApiClient::Headers{{"X-Lock-Token", token}};
    });
    connect(m_parts.properties, &PropertiesPanel::edited, this, &LiveCollaboration::sendEdit);
    connect(m_parts.properties, &PropertiesPanel::editRefused, this,
            [this](const QString &why) { emit notice(tr("Not changed: %1").arg(why)); });
    connect(m_parts.properties->undoStack(), &QUndoStack::cleanChanged, this, [this](bool clean) {
        if (clean)
            m_leases->releaseAll();  // saved, or undone back to the saved state
    });
    connect(m_leases, &EditLeases::lost, this, [this](const QString &component, const QString &why) {
        const QString text = tr("Editing stopped: your lock on %1 ended (%2). Your unsaved changes are kept in the "
                                "undo history.").arg(component, why);
        m_parts.properties->blockEditing(text);
        emit notice(text);
    });

    // Others.
    connect(m_client, &CollaborationClient::membersReset, this, [this](const QList<CollaborationClient::Member> &members) {
        for (const QString &id : m_members.keys())
            m_parts.view->removeCollaboratorCursor(id);
        m_members.clear();
        m_people->clear();
        for (const CollaborationClient::Member &member : members)
            addMember(member);
    });
    connect(m_client, &CollaborationClient::memberJoined, this, &LiveCollaboration::addMember);
    connect(m_client, &CollaborationClient::memberLeft, this, [this](const QString &connectionId) {
        m_members.remove(connectionId);
        m_parts.view->removeCollaboratorCursor(connectionId);
        updateMember(connectionId);
    });
    connect(m_client, &CollaborationClient::memberIdleChanged, this, [this](const QString &connectionId, bool idle) {
        if (auto it = m_members.find(connectionId); it != m_members.end()) {
            it->idle = idle;
            updateMember(connectionId);
        }
    });
    connect(m_client, &CollaborationClient::cursorMoved, this,
            [this](const QString &connectionId, const QString &user, const QVector3D &position) {
                m_parts.view->setCollaboratorCursor(connectionId, user, colorFor(connectionId), position);
            });
    connect(m_client, &CollaborationClient::event, this, &LiveCollaboration::onEvent);
    connect(m_client, &CollaborationClient::subscribed, this, [this] {
        // Anything missed while away.
        refreshLocks();
        loadPendingEdits();
    });
    connect(m_parts.view, &SceneView::pointerMoved, m_client, &CollaborationClient::moveCursor);
    connect(m_parts.view, &SceneView::modelShown, this, &LiveCollaboration::refreshLocks);
    // Others' heartbeats are not announced: the list is re-read now and then.
    m_lockRefresh.setInterval(15000);
    connect(&m_lockRefresh, &QTimer::timeout, this, &LiveCollaboration::refreshLocks);
    m_lockRefresh.start();
    m_client->start();
}

LiveCollaboration::~LiveCollaboration() = default;

void LiveCollaboration::setVersion(const QString &versionId, bool latest)
{
    m_versionId = versionId;
    m_latest = latest;
    m_leases->releaseAll();
    if (latest)
        loadPendingEdits();
}

QColor LiveCollaboration::colorFor(const QString &connectionId)
{
    return QColor::fromHsv(int(qHash(connectionId) % 360), 190, 235);
}

void LiveCollaboration::addMember(const CollaborationClient::Member &member)
{
    m_members.insert(member.connectionId, member);
    updateMember(member.connectionId);
}

void LiveCollaboration::updateMember(const QString &connectionId)
{
    QListWidgetItem *item = nullptr;
    for (int row = 0; row < m_people->count(); ++row) {
        if (m_people->item(row)->data(Qt::UserRole).toString() == connectionId)
            item = m_people->item(row);
    }
    const auto member = m_members.constFind(connectionId);
    if (member == m_members.constEnd()) {
        delete item;
        return;
    }
    if (!item) {
        item = new QListWidgetItem(m_people);
        item->setData(Qt::UserRole, connectionId);
        QPixmap swatch(12, 12);
        swatch.fill(colorFor(connectionId));
        item->setIcon(QIcon(swatch));
    }
    item->setText(member->idle ? tr("%1 (%2) — idle").arg(member->user, member->role)
                               : tr("%1 (%2)").arg(member->user, member->role));
    item->setForeground(member->idle ? m_people->palette().color(QPalette::Disabled, QPalette::Text)
                                     : m_people->palette().color(QPalette::Text));
}

void LiveCollaboration::refreshLocks()
{
    m_session->client()->send("GET", QStringLiteral("/twins/%1/locks").arg(m_twinId), nullptr, this,
                              [this](const QJsonObject &answer, const ApiError *error) {
                                  if (error)
                                      return;
                                  for (const QString &component : std::as_const(m_tinted)) {
                                      m_parts.view->setComponentTint(component, QColor());
                                      m_parts.view->setComponentNote(component, {});
                                  }
                                  m_tinted.clear();
                                  const QStringList all = m_parts.properties->componentNames();
                                  for (const QJsonValue &value : answer.value(QStringLiteral("items")).toArray()) {
                                      const QJsonObject lock = value.toObject();
                                      if (m_leases->owns(lock.value(QStringLiteral("lock_id")).toString()))
                                          continue;
                                      const QJsonValue listed = lock.value(QStringLiteral("components"));
                                      QStringList components;
                                      for (const QJsonValue &name : listed.toArray())
                                          components.append(name.toString());
                                      const QString holder = lock.value(QStringLiteral("holder")).toObject()
                                                                 .value(QStringLiteral("username")).toString();
                                      for (const QString &component : listed.isArray() ? components : all) {
                                          m_parts.view->setComponentTint(component, kLockedByOthers);
                                          m_parts.view->setComponentNote(component, tr("Locked by %1").arg(holder));
                                          m_tinted.append(component);
                                      }
                                  }
                              });
}

void LiveCollaboration::loadPendingEdits()
{
    m_session->client()->send("GET", QStringLiteral("/twins/%1/state").arg(m_twinId), nullptr, this,
                              [this](const QJsonObject &answer, const ApiError *error) {
                                  if (error || answer.value(QStringLiteral("version_id")).toString() != m_versionId)
                                      return;
                                  if (auto clock = Core::VectorClock::fromJson(answer.value(QStringLiteral("vector_clock")).toObject()))
                                      m_clock.merge(*clock);
                                  const QJsonObject state = answer.value(QStringLiteral("state")).toObject();
                                  const auto showAll = [this](const QString &scope, const QJsonObject &live) {
                                      const QJsonObject shown = m_parts.properties->properties(scope);
                                      for (auto it = live.begin(); it != live.end(); ++it) {
                                          if (shown.value(it.key()) != it.value())
                                              m_parts.properties->showRemoteChange(scope, it.key(), it.value());
                                      }
                                      for (auto it = shown.begin(); it != shown.end(); ++it) {
                                          if (!live.contains(it.key()))
                                              m_parts.properties->showRemoteChange(scope, it.key(), QJsonValue::Null);
                                      }
                                  };
                                  if (m_parts.properties->hasChanges())
                                      return;  // local work first; the next version folds both
                                  showAll({}, state.value(QStringLiteral("properties")).toObject());
                                  const QJsonObject parts = state.value(QStringLiteral("components")).toObject();
                                  for (auto it = parts.begin(); it != parts.end(); ++it)
                                      showAll(it.key(), it.value().toObject().value(QStringLiteral("properties")).toObject());
                              });
}

void LiveCollaboration::sendEdit(const QString &component, const QString &key, const QJsonValue &value)
{
    if (!m_latest || m_replica.isEmpty())
        return;
    m_clock.tick(m_replica);
    QJsonObject body{{QStringLiteral("twin_id"), m_twinId},
                     {QStringLiteral("op"), value.isNull() ? QStringLiteral("remove") : QStringLiteral("set")},
                     {QStringLiteral("path"), key},
                     {QStringLiteral("base_version"), m_versionId},
                     {QStringLiteral("vector_clock"), m_clock.toJson()},
                     {QStringLiteral("replica"), m_replica}};
    if (!component.isEmpty())
        body.insert(QStringLiteral("component"), component);
    if (!value.isNull())
        body.insert(QStringLiteral("value"), value);
    const QByteArray token = component.isEmpty() ? QByteArray() : m_leases->token();
    m_session->client()->send("POST", QStringLiteral("/edit-operations"), &body, this,
                              [this, key](const QJsonObject &answer, const ApiError *error) {
                                  if (error) {
                                      emit notice(tr("Your change of %1 was not shared: %2").arg(key, error->describe()));
                                      return;
                                  }
                                  if (!answer.value(QStringLiteral("applied")).toBool()) {
                                      const QJsonObject winner = answer.value(QStringLiteral("winner")).toObject();
                                      emit notice(tr("%1 changed %2 at the same time; their value was kept.")
                                                      .arg(winner.value(QStringLiteral("author")).toObject()
                                                               .value(QStringLiteral("username")).toString(), key));
                                  }
                              },
                              token.isEmpty() ? ApiClient::Headers() : ApiClient::Headers{{"X-Lock-Token", token}});
}

void LiveCollaboration::onEvent(const QJsonObject &message)
{
    const QString type = message.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("edit_applied")) {
        const QJsonObject operation = message.value(QStringLiteral("operation")).toObject();
        const QJsonObject displaced = message.value(QStringLiteral("displaced")).toObject();
        if (displaced.value(QStringLiteral("replica")).toString() == m_replica) {
            emit notice(tr("%1 changed %2 at the same time; their value was kept.")
                            .arg(message.value(QStringLiteral("user")).toString(),
                                 operation.value(QStringLiteral("path")).toString()));
        }
        if (operation.value(QStringLiteral("replica")).toString() == m_replica)
            return;  // ours, already on screen
        if (auto clock = Core::VectorClock::fromJson(operation.value(QStringLiteral("vector_clock")).toObject()))
            m_clock.merge(*clock);
        const QString op = operation.value(QStringLiteral("op")).toString();
        if (!m_latest || op == QLatin1String("transform"))
            return;
        if (operation.value(QStringLiteral("value_omitted")).toBool()) {
            loadPendingEdits();
            return;
        }
        m_parts.properties->showRemoteChange(operation.value(QStringLiteral("component")).toString(),
                                             operation.value(QStringLiteral("path")).toString(),
                                             op == QLatin1String("remove") ? QJsonValue(QJsonValue::Null)
                                                                           : operation.value(QStringLiteral("value")));
    } else if (type == QLatin1String("lock_acquired") || type == QLatin1String("lock_released")
               || type == QLatin1String("lock_expired")) {
        const QString lockId = message.value(QStringLiteral("lock_id")).toString();
        if (type != QLatin1String("lock_acquired") && m_leases->owns(lockId))
            m_leases->forget(lockId, message.value(QStringLiteral("forced")).toBool() ? tr("an administrator released it")
                                                                                      : tr("it expired"));
        refreshLocks();
    } else if (type == QLatin1String("version_created")) {
        const QString versionId = message.value(QStringLiteral("version_id")).toString();
        if (versionId == m_versionId)
            return;
        m_parts.history->reload();
        if (m_parts.properties->hasChanges()) {
            emit notice(tr("%1 saved a newer version. Your unsaved changes are kept; saving them needs the latest "
                           "version.").arg(message.value(QStringLiteral("user")).toString()));
            return;
        }
        emit newerVersion(versionId);
    }
}

} // namespace Laces::App

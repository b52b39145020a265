#include "twinworkspace.h"

#include "ageing/ageingpanel.h"
#include "historypanel.h"
#include "viewer/particlecloud.h"
#include "livecollaboration.h"
#include "propertiespanel.h"
#include "session.h"
#include "viewer/sceneview.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace Laces::App {

TwinWorkspace::TwinWorkspace(Session *session, const QJsonObject &twin, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_twinId(twin.value(QStringLiteral("id")).toString())
    , m_twinName(twin.value(QStringLiteral("name")).toString())
    , m_view(new SceneView(this))
    , m_tree(new QTreeWidget(this))
    , m_history(new HistoryPanel(session, m_twinId, this))
    , m_properties(new PropertiesPanel(session, m_twinId, this))
    , m_live(new LiveCollaboration(session, m_twinId, {m_view, m_properties, m_history}, this))
    , m_ageing(new AgeingPanel(session, m_twinId, this))
    , m_modes(new QTabBar(this))
    , m_status(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QPushButton(tr("Cancel"), this))
    , m_loader(new QFutureWatcher<Core::Result<Core::ModelGeometry>>(this))
{
    m_tree->setObjectName(QStringLiteral("components"));
    m_tree->setHeaderLabels({tr("Component"), tr("Triangles")});
    m_tree->setRootIsDecorated(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    auto *fit = new QPushButton(tr("Fit to view"), this);
    auto *import = new QPushButton(tr("Import model…"), this);
    import->setEnabled(session->can(QStringLiteral("twins.version")));
    if (!import->isEnabled())
        import->setToolTip(tr("Your role cannot create versions."));

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_tree);
    leftLayout->addWidget(fit);
    leftLayout->addWidget(import);
    leftLayout->addWidget(new QLabel(tr("<b>People here</b>"), left));
    leftLayout->addWidget(m_live->people());
    m_live->people()->setMaximumHeight(140);
    auto *tabs = new QTabWidget(this);
    tabs->addTab(m_history, tr("History"));
    tabs->addTab(m_properties, tr("Properties"));
    m_modes->setObjectName(QStringLiteral("modes"));
    m_modes->addTab(tr("&Model"));
    m_modes->addTab(tr("&Ageing (4D)"));
    m_modes->setToolTip(tr("The model, or how its components age over time"));
    auto *center = new QSplitter(Qt::Vertical, this);
    center->addWidget(m_view);
    center->addWidget(m_ageing);
    center->setStretchFactor(0, 3);
    center->setStretchFactor(1, 2);
    m_ageing->hide();
    m_center = center;
    auto *middle = new QWidget(this);
    auto *middleLayout = new QVBoxLayout(middle);
    middleLayout->setContentsMargins(0, 0, 0, 0);
    middleLayout->addWidget(m_modes);
    middleLayout->addWidget(center, 1);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(middle);
    splitter->addWidget(tabs);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({220, 640, 360});

    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_progress);
    statusRow->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addLayout(statusRow);
    setIdle();

    connect(fit, &QPushButton::clicked, m_view, &SceneView::fitToView);
    connect(import, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import model"), QString(),
                                                          tr("3D models (*.glb *.gltf *.stl *.STL *.obj *.ply)"));
        if (!path.isEmpty())
            importModel(path);
    });
    connect(m_cancel, &QPushButton::clicked, this, &TwinWorkspace::cancelLoading);
    connect(m_modes, &QTabBar::currentChanged, this, [this](int index) { setAgeingMode(index == 1); });
    connect(m_ageing, &AgeingPanel::colorsChanged, this, [this](const QHash<QString, QColor> &colors) {
        if (!isAgeingMode())
            return;
        for (auto it = colors.cbegin(); it != colors.cend(); ++it)
            m_view->setComponentColor(it.key(), it.value());
    });
    connect(m_ageing, &AgeingPanel::hotspotChanged, this, [this](const QString &component, double damage) {
        if (isAgeingMode())
            m_view->setStressCloud(damage > 0.01 ? component : QString(), float(damage));
    });
    connect(m_ageing, &AgeingPanel::componentSelected, this, &TwinWorkspace::selectComponent);
    // Under software rendering a frame of stress particles takes the cores a recomputed
    // future needs: the particles hold still until the new colours are there.
    connect(m_ageing, &AgeingPanel::computing, this, [this](bool running) {
        if (m_view->stressCloud())
            m_view->stressCloud()->setPaused(running);
    });
    connect(m_ageing, &AgeingPanel::asWas, this, &TwinWorkspace::showAsWas);
    connect(m_view, &SceneView::componentPicked, this, &TwinWorkspace::selectComponent);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            selectComponent(item->text(0));
    });
    connect(m_tree, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *item, int column) {
        if (column == 0)
            m_view->setComponentVisible(item->text(0), item->checkState(0) == Qt::Checked
                                                           && (m_asWasComponents.isEmpty()
                                                               || m_asWasComponents.contains(item->text(0))));
    });
    connect(m_history, &HistoryPanel::openRequested, this, [this](const QString &id) { openVersion(id); });
    connect(m_history, &HistoryPanel::versionCreated, this, [this](const QString &id) { openVersion(id); });
    connect(m_properties, &PropertiesPanel::saved, this, [this](const QString &id) {
        m_history->reload();
        openVersion(id);
    });
    connect(m_live, &LiveCollaboration::notice, this, [this](const QString &text) { m_status->setText(text); });
    connect(m_live, &LiveCollaboration::newerVersion, this, [this](const QString &id) { openVersion(id); });
    connect(m_properties, &PropertiesPanel::saveFailed, this,
            [this](const QString &message) { QMessageBox::warning(this, tr("Not saved"), message); });
    connect(m_loader, &QFutureWatcherBase::finished, this, [this] {
        // A model read for a version that is no longer wanted is dropped.
        if (m_loader->isCanceled() || m_loaderGeneration != m_generation)
            return;
        const auto geometry = m_loader->result();
        if (!geometry) {
            failLoad(geometry.error().message);
            return;
        }
        m_view->setModel(*geometry);
        m_shownModelSha = m_version.value(QStringLiteral("model")).toObject().value(QStringLiteral("sha256")).toString();
        setIdle(tr("%n component(s), %1 triangles", nullptr, int(geometry->components.size()))
                    .arg(geometry->info.instancedTriangleCount));
        emit versionShown(m_version.value(QStringLiteral("id")).toString());
    });
    m_history->reload();
}

TwinWorkspace::~TwinWorkspace()
{
    cancelLoading();
    m_loader->waitForFinished();
}

void TwinWorkspace::setBusy(const QString &message)
{
    m_status->setText(message);
    m_progress->setVisible(true);
    m_progress->setRange(0, 0);
    m_cancel->setVisible(true);
}

void TwinWorkspace::setIdle(const QString &message)
{
    m_status->setText(message);
    m_progress->setVisible(false);
    m_cancel->setVisible(false);
}

QString TwinWorkspace::statusText() const
{
    return m_status->text();
}

void TwinWorkspace::failLoad(const QString &message)
{
    setIdle(message);
    emit loadFailed(message);
}

void TwinWorkspace::cancelLoading()
{
    ++m_generation;
    delete m_download;  // aborts the transfer: its callbacks die with it
    m_download = nullptr;
    if (m_loader->isRunning())
        m_loader->cancel();
    setIdle(tr("Cancelled"));
}

void TwinWorkspace::openVersion(const QString &versionId)
{
    const quint64 generation = ++m_generation;
    setBusy(tr("Loading version…"));
    const auto load = [this, generation](const QString &id) {
        m_session->client()->send("GET", QStringLiteral("/twins/%1/versions/%2").arg(m_twinId, id), nullptr, this,
                                  [this, generation](const QJsonObject &version, const ApiError *error) {
                                      if (generation != m_generation)
                                          return;
                                      if (error) {
                                          failLoad(error->describe());
                                          return;
                                      }
                                      showVersion(version);
                                  });
    };
    if (!versionId.isEmpty()) {
        load(versionId);
        return;
    }
    m_session->client()->send("GET", QStringLiteral("/twins/") + m_twinId, nullptr, this,
                              [this, generation, load](const QJsonObject &twin, const ApiError *error) {
                                  if (generation != m_generation)
                                      return;
                                  const QString latest = twin.value(QStringLiteral("latest_version_id")).toString();
                                  if (error || latest.isEmpty()) {
                                      failLoad(error ? error->describe() : tr("This twin has no versions yet."));
                                      return;
                                  }
                                  load(latest);
                              });
}

void TwinWorkspace::showVersion(const QJsonObject &version)
{
    m_version = version;
    m_readOnly = !version.value(QStringLiteral("is_latest")).toBool();
    m_properties->setVersion(version, !m_readOnly);
    m_live->setVersion(version.value(QStringLiteral("id")).toString(), !m_readOnly);
    m_history->setEditable(true);
    m_tree->blockSignals(true);
    m_tree->clear();
    for (const QJsonValue &value : version.value(QStringLiteral("components")).toArray()) {
        const QJsonObject component = value.toObject();
        auto *item = new QTreeWidgetItem(m_tree, {component.value(QStringLiteral("name")).toString(),
                                                  QString::number(component.value(QStringLiteral("triangle_count")).toInteger())});
        item->setCheckState(0, Qt::Checked);
        item->setToolTip(0, component.value(QStringLiteral("path")).toString());
    }
    m_tree->blockSignals(false);
    window()->setWindowTitle(tr("%1 — version %2%3")
                                 .arg(m_twinName)
                                 .arg(version.value(QStringLiteral("number")).toInt())
                                 .arg(m_readOnly ? tr(" (read-only)") : QString()));

    const QJsonObject model = version.value(QStringLiteral("model")).toObject();
    if (model.isEmpty()) {
        m_view->clear();
        setIdle(tr("This version has no model."));
        emit versionShown(version.value(QStringLiteral("id")).toString());
        return;
    }
    // Model files never change once written: cache them by content.
    const QString cacheDir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/models");
    QDir().mkpath(cacheDir);
    const QString cached = cacheDir + QLatin1Char('/') + model.value(QStringLiteral("sha256")).toString()
                           + QLatin1Char('.') + model.value(QStringLiteral("format")).toString();
    if (QFileInfo(cached).size() == model.value(QStringLiteral("size_bytes")).toInteger()) {
        loadModelFile(cached);
        return;
    }
    const quint64 generation = m_generation;
    m_status->setText(tr("Downloading the model…"));
    m_progress->setRange(0, 100);
    delete m_download;
    m_download = new QObject(this);
    m_session->client()->downloadToFile(
        model.value(QStringLiteral("url")).toString(), cached, m_download,
        [this](qint64 received, qint64 total) {
            if (total > 0)
                m_progress->setValue(int(received * 100 / total));
        },
        [this, cached, generation](const QJsonObject &, const ApiError *error) {
            if (generation != m_generation)
                return;
            if (error) {
                failLoad(error->describe());
                return;
            }
            loadModelFile(cached);
        });
}

void TwinWorkspace::importModel(const QString &filePath)
{
    const quint64 generation = ++m_generation;
    setBusy(tr("Uploading %1…").arg(QFileInfo(filePath).fileName()));
    m_progress->setRange(0, 100);
    delete m_download;
    m_download = new QObject(this);
    const auto failed = [this](const QString &message) {
        setIdle(message);
        emit importFailed(message);
    };
    m_session->client()->uploadModel(
        m_twinId, filePath, m_download,
        [this](qint64 sent, qint64 total) {
            if (total > 0)
                m_progress->setValue(int(sent * 100 / total));
        },
        [this, generation, filePath, failed](const QJsonObject &model, const ApiError *error) {
            if (generation != m_generation)
                return;
            if (error) {
                failed(error->describe());
                return;
            }
            // On top of whatever is the latest now; a race with another writer answers 409.
            m_session->client()->send(
                "GET", QStringLiteral("/twins/") + m_twinId, nullptr, this,
                [this, generation, filePath, model, failed](const QJsonObject &twin, const ApiError *twinError) {
                    if (generation != m_generation)
                        return;
                    if (twinError) {
                        failed(twinError->describe());
                        return;
                    }
                    const QJsonValue latest = twin.value(QStringLiteral("latest_version_id"));
                    const QJsonObject body{
                        {QStringLiteral("parents"), latest.isString() ? QJsonArray{latest} : QJsonArray()},
                        {QStringLiteral("message"), tr("Import %1").arg(QFileInfo(filePath).fileName())},
                        {QStringLiteral("model_sha256"), model.value(QStringLiteral("sha256"))},
                        {QStringLiteral("model_filename"), QFileInfo(filePath).fileName()}};
                    m_session->client()->send("POST", QStringLiteral("/twins/%1/versions").arg(m_twinId), &body, this,
                                              [this, failed](const QJsonObject &version, const ApiError *versionError) {
                                                  if (versionError) {
                                                      failed(versionError->describe());
                                                      return;
                                                  }
                                                  const QString id = version.value(QStringLiteral("id")).toString();
                                                  m_history->reload();
                                                  emit imported(id);
                                                  openVersion(id);
                                              });
                });
        });
}

void TwinWorkspace::loadModelFile(const QString &path)
{
    setBusy(tr("Reading the model…"));
    m_loaderGeneration = m_generation;
    m_loader->setFuture(QtConcurrent::run([path] { return Core::ModelInspector::loadGeometry(path); }));
}

void TwinWorkspace::setAgeingMode(bool on)
{
    if (m_modes->currentIndex() != (on ? 1 : 0)) {
        m_modes->setCurrentIndex(on ? 1 : 0);  // comes back here
        return;
    }
    m_ageing->setVisible(on);
    // Once laid out: most of the height for the scene, the rest for the timeline and charts,
    // and the model framed again in the view's new shape.
    QTimer::singleShot(0, this, [this, on] {
        const int height = m_center->height();
        if (on)
            m_center->setSizes({height * 11 / 20, height - height * 11 / 20});
        QTimer::singleShot(0, m_view, &SceneView::fitToView);
    });
    if (on) {
        m_ageing->setVersion(m_version.value(QStringLiteral("id")).toString());
        m_ageing->republish();
        return;
    }
    m_view->clearComponentColors();
    m_view->setStressCloud({}, 0);
    m_asWasComponents.clear();
    const QString open = m_version.value(QStringLiteral("model")).toObject().value(QStringLiteral("sha256")).toString();
    if (!open.isEmpty() && open != m_shownModelSha)
        openVersion(m_version.value(QStringLiteral("id")).toString());  // the as-was view had another model
    else
        applyTreeVisibility();
}

bool TwinWorkspace::isAgeingMode() const
{
    return m_modes->currentIndex() == 1;
}

void TwinWorkspace::applyTreeVisibility()
{
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = m_tree->topLevelItem(i);
        const bool wanted = item->checkState(0) == Qt::Checked;
        const bool existed = m_asWasComponents.isEmpty() || m_asWasComponents.contains(item->text(0));
        m_view->setComponentVisible(item->text(0), wanted && existed);
    }
}

void TwinWorkspace::showAsWas(const QJsonObject &version, const QString &when)
{
    if (!isAgeingMode())
        return;
    m_asWasComponents.clear();
    for (const QJsonValue &component : version.value(QStringLiteral("components")).toArray())
        m_asWasComponents.append(component.toObject().value(QStringLiteral("name")).toString());
    const bool current = version.value(QStringLiteral("id")) == m_version.value(QStringLiteral("id"));
    m_status->setText(current ? QString()
                              : tr("As it was on %1: version %2 (%3)")
                                    .arg(when)
                                    .arg(version.value(QStringLiteral("number")).toInt())
                                    .arg(version.value(QStringLiteral("message")).toString()));
    const QJsonObject model = version.value(QStringLiteral("model")).toObject();
    const QString sha = model.value(QStringLiteral("sha256")).toString();
    if (sha.isEmpty() || sha == m_shownModelSha) {
        applyTreeVisibility();
        return;
    }
    // Another model then: its geometry, from the cache or the server, read in the background.
    const QString cacheDir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/models");
    QDir().mkpath(cacheDir);
    const QString cached = cacheDir + QLatin1Char('/') + sha + QLatin1Char('.') + model.value(QStringLiteral("format")).toString();
    const auto load = [this, cached, sha] {
        auto *watcher = new QFutureWatcher<Core::Result<Core::ModelGeometry>>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, sha] {
            watcher->deleteLater();
            const auto geometry = watcher->result();
            if (!geometry || !isAgeingMode())
                return;
            m_view->setModel(*geometry);
            m_shownModelSha = sha;
            applyTreeVisibility();
            m_ageing->republish();
        });
        watcher->setFuture(QtConcurrent::run([cached] { return Core::ModelInspector::loadGeometry(cached); }));
    };
    if (QFileInfo(cached).size() == model.value(QStringLiteral("size_bytes")).toInteger()) {
        load();
        return;
    }
    m_session->client()->downloadToFile(model.value(QStringLiteral("url")).toString(), cached, this, {},
                                        [load](const QJsonObject &, const ApiError *error) {
                                            if (!error)
                                                load();
                                        });
}

bool TwinWorkspace::highlightComponent(const QString &name)
{
    if (!m_view->componentNames().contains(name))
        return false;
    selectComponent(name);
    return true;
}

void TwinWorkspace::selectComponent(const QString &name)
{
    m_ageing->selectComponent(name);
    m_view->setSelectedComponent(name);
    m_properties->setComponent(name);
    const QList<QTreeWidgetItem *> items = m_tree->findItems(name, Qt::MatchExactly, 0);
    if (!items.isEmpty() && m_tree->currentItem() != items.first()) {
        m_tree->blockSignals(true);
        m_tree->setCurrentItem(items.first());
        m_tree->scrollToItem(items.first());
        m_tree->blockSignals(false);
    }
}

} // namespace Laces::App

#pragma once

#include <QJsonArray>
#include <QWidget>

class QPushButton;
class QTextBrowser;
class QTreeWidget;

namespace Laces::App {

class Session;

// A twin's versions, newest first: compare two, open one read-only, restore or tag one.
class HistoryPanel : public QWidget
{
    Q_OBJECT

public:
    HistoryPanel(Session *session, QString twinId, QWidget *parent = nullptr);

    void reload();
    QStringList versionIds() const;
    void setEditable(bool editable);

signals:
    void openRequested(const QString &versionId);
    void versionCreated(const QString &versionId);
    void loaded();

private:
    void showDiff();
    void restoreSelected();
    void tagSelected();
    void updateButtons();
    QStringList selectedIds() const;

    Session *m_session;
    QString m_twinId;
    QTreeWidget *m_list;
    QTextBrowser *m_diff;
    QPushButton *m_open;
    QPushButton *m_compare;
    QPushButton *m_restore;
    QPushButton *m_tag;
    bool m_editable = true;
};

} // namespace Laces::App

#include "repeatedkeys.h"

#include <QSet>

#include <string>
#include <vector>

namespace Laces::Core {

namespace {

struct Frame
{
    bool isObject = false;
    qsizetype index = -1;           // arrays: the element being read
    std::string key;                // objects: the member being read
    std::vector<std::string> keys;  // objects: the names seen so far
    QSet<QByteArray> keySet;        // objects with many members: the same, hashed
};

void appendUtf8(std::string &out, char32_t code)
{
    if (code < 0x80) {
        out += char(code);
    } else if (code < 0x800) {
        out += char(0xC0 | (code >> 6));
        out += char(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += char(0xE0 | (code >> 12));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    } else {
        out += char(0xF0 | (code >> 18));
        out += char(0x80 | ((code >> 12) & 0x3F));
        out += char(0x80 | ((code >> 6) & 0x3F));
        out += char(0x80 | (code & 0x3F));
    }
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

class Scanner
{
public:
    explicit Scanner(QByteArrayView text) : m_text(text) {}

    std::optional<QString> run()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            switch (c) {
            case '{':
                ++m_pos;
                m_stack.emplace_back();
                m_stack.back().isObject = true;
                m_expectKey = true;
                break;
            case '[':
                ++m_pos;
                m_stack.emplace_back();
                m_stack.back().index = 0;
                m_expectKey = false;
                break;
            case '}':
            case ']':
                ++m_pos;
                if (m_stack.empty())
                    return std::nullopt;
                m_stack.pop_back();
                m_expectKey = false;
                break;
            case ',':
                ++m_pos;
                if (m_stack.empty())
                    return std::nullopt;
                if (m_stack.back().isObject)
                    m_expectKey = true;
                else
                    ++m_stack.back().index;
                break;
            case '"': {
                std::string decoded;
                if (!readString(m_expectKey ? &decoded : nullptr))
                    return std::nullopt;
                if (m_expectKey && !m_stack.empty()) {
                    Frame &frame = m_stack.back();
                    if (seen(frame, decoded)) {
                        frame.key = decoded;
                        return path();
                    }
                    frame.key = std::move(decoded);
                    m_expectKey = false;
                }
                break;
            }
            default:
                ++m_pos;  // ':', white space, numbers, true, false, null
                break;
            }
        }
        return std::nullopt;
    }

private:
    // Reads a string from the opening quote; decodes it into `out` when asked.
    bool readString(std::string *out)
    {
        ++m_pos;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos++];
            if (c == '"')
                return true;
            if (c != '\\') {
                if (out)
                    *out += c;
                continue;
            }
            if (m_pos >= m_text.size())
                return false;
            const char escaped = m_text[m_pos++];
            if (!out)
                continue;
            switch (escaped) {
            case 'b': *out += '\b'; break;
            case 'f': *out += '\f'; break;
            case 'n': *out += '\n'; break;
            case 'r': *out += '\r'; break;
            case 't': *out += '\t'; break;
            case 'u': {
                char32_t code = 0;
                if (!readHex4(&code))
                    return false;
                if (code >= 0xD800 && code < 0xDC00 && m_pos + 1 < m_text.size() && m_text[m_pos] == '\\'
                    && m_text[m_pos + 1] == 'u') {
                    m_pos += 2;
                    char32_t low = 0;
                    if (!readHex4(&low))
                        return false;
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                }
                appendUtf8(*out, code);
                break;
            }
            default: *out += escaped; break;  // \" \\ \/
            }
        }
        return false;
    }

    bool readHex4(char32_t *code)
    {
        if (m_pos + 4 > m_text.size())
            return false;
        char32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hexValue(m_text[m_pos++]);
            if (digit < 0)
                return false;
            value = value * 16 + char32_t(digit);
        }
        *code = value;
        return true;
    }

    static bool seen(Frame &frame, const std::string &key)
    {
        // Most objects have a handful of members: a linear look beats hashing there.
        constexpr size_t linearLimit = 16;
        if (frame.keys.size() < linearLimit) {
            for (const std::string &known : frame.keys) {
                if (known == key)
                    return true;
            }
            frame.keys.push_back(key);
            if (frame.keys.size() == linearLimit) {
                for (const std::string &known : frame.keys)
                    frame.keySet.insert(QByteArray(known.data(), qsizetype(known.size())));
            }
            return false;
        }
        const QByteArray bytes(key.data(), qsizetype(key.size()));
        if (frame.keySet.contains(bytes))
            return true;
        frame.keySet.insert(bytes);
        return false;
    }

    QString path() const
    {
        QString result;
        for (const Frame &frame : m_stack) {
            if (frame.isObject) {
                if (!result.isEmpty())
                    result += QLatin1Char('.');
                result += QString::fromUtf8(frame.key.data(), qsizetype(frame.key.size()));
            } else {
                result += QStringLiteral("[%1]").arg(frame.index);
            }
        }
        return result;
    }

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    std::vector<Frame> m_stack;
    bool m_expectKey = false;
};

} // namespace

std::optional<QString> firstRepeatedKey(QByteArrayView json)
{
    return Scanner(json).run();
}

} // namespace Laces::Core

using System.Text;

namespace AutoEncoders.Data;

/// <summary>
/// Splits CSV text into records (RFC 4180): fields separated by one delimiter, optionally quoted with '"', a quote
/// inside a quoted field doubled, line breaks inside quotes kept, CRLF or LF line ends. Unquoted fields are trimmed
/// of spaces; lines that are entirely blank are skipped.
/// </summary>
internal sealed class CsvTokenizer
{
    private readonly TextReader _reader;
    private readonly string _path;
    private readonly StringBuilder _field = new();
    private string _prefix;
    private int _prefixPosition;
    private int _line;

    /// <summary>
    /// Reads from <paramref name="reader"/>, after <paramref name="prefix"/> (text already taken from it), counting
    /// lines from <paramref name="firstLine"/>.
    /// </summary>
    public CsvTokenizer(TextReader reader, string path, char delimiter, string prefix = "", int firstLine = 1)
    {
        _line = firstLine;
        _reader = reader;
        _path = path;
        Delimiter = delimiter;
        _prefix = prefix;
    }

    /// <summary>The field separator.</summary>
    public char Delimiter { get; }

    /// <summary>
    /// Chooses the delimiter from the header line: the one of ',', ';' and '\t' that occurs most often outside
    /// quotes (',' when none does).
    /// </summary>
    public static char DetectDelimiter(string headerLine)
    {
        int comma = 0, semicolon = 0, tab = 0;
        bool quoted = false;
        foreach (char c in headerLine)
        {
            switch (c)
            {
                case '"': quoted = !quoted; break;
                case ',' when !quoted: comma++; break;
                case ';' when !quoted: semicolon++; break;
                case '\t' when !quoted: tab++; break;
            }
        }

        return tab > comma && tab >= semicolon ? '\t' : semicolon > comma ? ';' : ',';
    }

    /// <summary>Reads the next non-blank record into <paramref name="fields"/>; false at the end of the text.</summary>
    /// <param name="fields">Cleared, then filled with the record's fields.</param>
    /// <param name="line">The line the record starts on (1-based).</param>
    public bool TryReadRecord(List<string> fields, out int line)
    {
        while (true)
        {
            fields.Clear();
            line = _line;
            int c = Peek();
            if (c < 0)
            {
                return false;
            }

            if (c is '\r' or '\n')
            {
                ReadLineEnd();
                continue;
            }

            ReadRecord(fields, line);
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            return true;
        }
    }

    private void ReadRecord(List<string> fields, int startLine)
    {
        while (true)
        {
            bool wasQuoted = ReadField(startLine);
            string text = _field.ToString();
            fields.Add(wasQuoted ? text : text.Trim(' '));
            int c = Peek();
            if (c == Delimiter)
            {
                Read();
                continue;
            }

            if (c is '\r' or '\n')
            {
                ReadLineEnd();
            }

            return;
        }
    }

    // Reads one field into _field, stopping before the delimiter or line end; returns whether it was quoted.
    private bool ReadField(int startLine)
    {
        _field.Clear();
        while (Peek() == ' ')
        {
            _field.Append((char)Read());
        }

        if (Peek() != '"')
        {
            for (int c = Peek(); c >= 0 && c != Delimiter && c != '\r' && c != '\n'; c = Peek())
            {
                _field.Append((char)Read());
            }

            return false;
        }

        _field.Clear();
        Read();
        int quoteLine = _line;
        while (true)
        {
            int c = Read();
            if (c < 0)
            {
                throw new DataFormatException(_path, $"line {quoteLine}",
                    $"a quoted field opened on line {quoteLine} (in the record starting on line {startLine}) is never closed; add the closing '\"'.");
            }

            if (c == '"')
            {
                if (Peek() == '"')
                {
                    _field.Append((char)Read());
                    continue;
                }

                while (Peek() == ' ')
                {
                    Read();
                }

                int next = Peek();
                if (next >= 0 && next != Delimiter && next != '\r' && next != '\n')
                {
                    throw new DataFormatException(_path, $"line {_line}",
                        $"expected a delimiter or the end of the line after the closing quote of \"{Shorten(_field.ToString())}\", found '{(char)next}'; double a quote inside a quoted field (\"\").");
                }

                return true;
            }

            if (c == '\n')
            {
                _line++;
            }

            _field.Append((char)c);
        }
    }

    private void ReadLineEnd()
    {
        if (Read() == '\r' && Peek() == '\n')
        {
            Read();
        }

        _line++;
    }

    private int Peek() => _prefixPosition < _prefix.Length ? _prefix[_prefixPosition] : _reader.Peek();

    private int Read()
    {
        if (_prefixPosition < _prefix.Length)
        {
            return _prefix[_prefixPosition++];
        }

        if (_prefix.Length > 0)
        {
            _prefix = string.Empty;
            _prefixPosition = 0;
        }

        return _reader.Read();
    }

    internal static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
}

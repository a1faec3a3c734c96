using System.Globalization;
using System.Net;
using System.Text;

namespace AutoEncoders.Visualization;

/// <summary>A small HTML writer for self-contained pages: inline CSS, pictures as base64 data URIs, no scripts.</summary>
internal sealed class HtmlDocument
{
    private const string Style = """
        :root { color-scheme: light; }
        body { margin: 0; background: #f6f7f9; color: #1f2328; font: 15px/1.5 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; }
        main { max-width: 1320px; margin: 0 auto; padding: 24px 32px 48px; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid #d0d7de; }
        h3 { font-size: 16px; margin: 18px 0 6px; }
        p.meta { color: #57606a; margin: 0 0 16px; }
        nav { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; }
        nav a { margin-right: 14px; color: #0550ae; text-decoration: none; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; }
        dl.facts dt { font-weight: bold; color: #424a53; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        table { border-collapse: collapse; background: #fff; margin: 8px 0; }
        th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        thead th { background: #eef1f4; }
        tbody tr:nth-child(even) { background: #f8f9fa; }
        figure { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; margin: 14px 0; padding: 12px; }
        figure img { display: block; max-width: 100%; height: auto; image-rendering: pixelated; margin: 0 auto; }
        figcaption { color: #424a53; margin-top: 8px; }
        figcaption b { color: #1f2328; }
        .note { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; }
        details { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 12px; margin: 8px 0; }
        pre { font: 13px/1.4 "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
        footer { color: #57606a; margin-top: 40px; font-size: 13px; }
        """;

    private readonly StringBuilder _body = new();

    /// <summary>HTML-escapes text.</summary>
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>A number for tables: up to 6 significant digits, invariant culture; NaN as a dash.</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "–" : value.ToString(Math.Abs(value) is >= 1e-4 and < 1e6 or 0 ? "0.######" : "0.####e+0", CultureInfo.InvariantCulture);

    /// <summary>Appends raw HTML.</summary>
    public HtmlDocument Raw(string html)
    {
        _body.Append(html).Append('\n');
        return this;
    }

    /// <summary>Appends an element with escaped text.</summary>
    public HtmlDocument Element(string tag, string text, string? attributes = null)
    {
        _body.Append('<').Append(tag);
        if (attributes is not null)
        {
            _body.Append(' ').Append(attributes);
        }

        _body.Append('>').Append(Escape(text)).Append("</").Append(tag).Append(">\n");
        return this;
    }

    /// <summary>A definition list of facts (values escaped).</summary>
    public HtmlDocument Facts(IEnumerable<(string Name, string Value)> facts)
    {
        _body.Append("<dl class=\"facts\">\n");
        foreach ((string name, string value) in facts)
        {
            _body.Append("<dt>").Append(Escape(name)).Append("</dt><dd>").Append(Escape(value)).Append("</dd>\n");
        }

        _body.Append("</dl>\n");
        return this;
    }

    /// <summary>A table with a header row (cells escaped).</summary>
    public HtmlDocument Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.Append("<table>\n<thead><tr>");
        foreach (string cell in header)
        {
            _body.Append("<th>").Append(Escape(cell)).Append("</th>");
        }

        _body.Append("</tr></thead>\n<tbody>\n");
        foreach (IReadOnlyList<string> row in rows)
        {
            _body.Append("<tr>");
            foreach (string cell in row)
            {
                _body.Append("<td>").Append(Escape(cell)).Append("</td>");
            }

            _body.Append("</tr>\n");
        }

        _body.Append("</tbody>\n</table>\n");
        return this;
    }

    /// <summary>A figure embedding the PNG at <paramref name="picture"/>'s path as a base64 data URI, with its caption.</summary>
    public HtmlDocument Figure(PictureFile picture, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(picture);
        string data = Convert.ToBase64String(File.ReadAllBytes(picture.Path));
        _body.Append("<figure").Append(id is null ? string.Empty : $" id=\"{Escape(id)}\"").Append(">\n")
            .Append(CultureInfo.InvariantCulture, $"<img src=\"data:image/png;base64,{data}\" width=\"{picture.Width}\" height=\"{picture.Height}\" alt=\"{Escape(picture.Title)}\">\n")
            .Append("<figcaption><b>").Append(Escape(picture.Title)).Append(".</b> ").Append(Escape(picture.Description)).Append("</figcaption>\n</figure>\n");
        return this;
    }

    /// <summary>A collapsible block of preformatted text.</summary>
    public HtmlDocument Details(string summary, string text, bool open = false)
    {
        _body.Append(open ? "<details open>" : "<details>").Append("<summary>").Append(Escape(summary)).Append("</summary><pre>")
            .Append(Escape(text)).Append("</pre></details>\n");
        return this;
    }

    /// <summary>The whole page.</summary>
    public string ToHtml(string title) =>
        $"<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
        $"<title>{Escape(title)}</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n<main>\n{_body}</main>\n</body>\n</html>\n";
}

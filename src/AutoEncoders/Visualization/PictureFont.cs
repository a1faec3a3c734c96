using SkiaSharp;

namespace AutoEncoders.Visualization;

/// <summary>
/// The one font every picture uses, loaded from a file so that text renders the same on every machine (SkiaSharp's
/// Linux build without fontconfig would otherwise pick whatever it finds first, or nothing). Looked up in order:
/// the file named by the AE_FONT environment variable, DejaVu Sans (Debian's fonts-dejavu-core), Liberation Sans.
/// </summary>
public static class PictureFont
{
    /// <summary>Environment variable naming a .ttf file to use instead of the built-in candidates.</summary>
    public const string EnvironmentVariable = "AE_FONT";

    private static readonly Lock Gate = new();
    private static SKTypeface? s_regular;
    private static SKTypeface? s_bold;
    private static string? s_path;
    private static bool s_scottPlotConfigured;

    /// <summary>Font files tried in order after AE_FONT: (regular, bold) pairs.</summary>
    public static IReadOnlyList<(string Regular, string Bold)> Candidates { get; } =
    [
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
        ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ];

    /// <summary>The font file in use (resolving it on first use).</summary>
    public static string FilePath
    {
        get
        {
            Resolve();
            return s_path!;
        }
    }

    /// <summary>The family name of the font in use, e.g. "DejaVu Sans".</summary>
    public static string Family => Regular.FamilyName;

    /// <summary>The regular typeface.</summary>
    public static SKTypeface Regular
    {
        get
        {
            Resolve();
            return s_regular!;
        }
    }

    /// <summary>The bold typeface (the regular one when no bold file sits beside it).</summary>
    public static SKTypeface Bold
    {
        get
        {
            Resolve();
            return s_bold!;
        }
    }

    /// <summary>
    /// Registers the font with ScottPlot and makes it the default for every plot, so charts do not depend on the
    /// fonts the system happens to have. Safe to call many times.
    /// </summary>
    public static void ConfigureScottPlot()
    {
        lock (Gate)
        {
            if (s_scottPlotConfigured)
            {
                return;
            }

            Resolve();
            string family = s_regular!.FamilyName;
            ScottPlot.Fonts.AddFontFile(family, s_path!, bold: false, italic: false);
            string bold = BoldPathFor(s_path!);
            if (File.Exists(bold))
            {
                ScottPlot.Fonts.AddFontFile(family, bold, bold: true, italic: false);
            }

            ScottPlot.Fonts.Default = family;
            ScottPlot.Fonts.Sans = family;
            s_scottPlotConfigured = true;
        }
    }

    private static void Resolve()
    {
        lock (Gate)
        {
            if (s_regular is not null)
            {
                return;
            }

            string? path = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(path))
            {
                if (!File.Exists(path))
                {
                    throw new InvalidOperationException($"{EnvironmentVariable}={path}: no such font file; point it at a .ttf file or unset it.");
                }
            }
            else
            {
                path = Candidates.Select(c => c.Regular).FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
                    $"No font for the pictures' text: none of {string.Join(", ", Candidates.Select(c => c.Regular))} exists. " +
                    $"Install Debian's fonts-dejavu-core (apt-get install -y fonts-dejavu-core) or set {EnvironmentVariable} to a .ttf file.");
            }

            SKTypeface regular = SKTypeface.FromFile(path)
                ?? throw new InvalidOperationException($"{path}: not a font file SkiaSharp can read; set {EnvironmentVariable} to a TrueType (.ttf) font.");
            string boldPath = BoldPathFor(path);
            s_bold = File.Exists(boldPath) ? SKTypeface.FromFile(boldPath) ?? regular : regular;
            s_path = path;
            s_regular = regular;
        }
    }

    private static string BoldPathFor(string regular)
    {
        (string Regular, string Bold) known = Candidates.FirstOrDefault(c => c.Regular == regular);
        return known.Bold ?? Path.Combine(Path.GetDirectoryName(regular) ?? ".", Path.GetFileNameWithoutExtension(regular) + "-Bold" + Path.GetExtension(regular));
    }
}

using System.Text;

namespace AutoEncoders.Data;

/// <summary>
/// Reads a folder of text files as documents: by default each subfolder is a category and each file in it one
/// document; with <c>fortuneFiles</c>, each file holds many documents separated by lines holding only <c>%</c>
/// (the format of Debian's <c>fortunes</c> package under /usr/share/games/fortunes) and the file name is the category.
/// </summary>
public static class TextCorpus
{
    /// <summary>Reads the documents under <paramref name="folder"/>, in ordinal order of path.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<TextDocument> ReadFolder(string folder, bool fortuneFiles = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: no such folder of text documents{(fortuneFiles ? " (install Debian's fortunes package for /usr/share/games/fortunes)" : "")}.");
        }

        var documents = new List<TextDocument>();
        if (fortuneFiles)
        {
            foreach (string file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            {
                // The .dat files are strfile indexes and the .u8 names links to the same texts.
                var info = new FileInfo(file);
                if (info.LinkTarget is not null || Path.GetExtension(file) is ".dat" or ".u8")
                {
                    continue;
                }

                int number = 0;
                foreach (string fortune in SplitFortunes(File.ReadAllText(file, Encoding.UTF8)))
                {
                    documents.Add(new TextDocument(fortune, Path.GetFileName(file), $"{file}#{number++}"));
                }
            }
        }
        else
        {
            foreach (string category in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
            {
                foreach (string file in Directory.GetFiles(category).Order(StringComparer.Ordinal))
                {
                    documents.Add(new TextDocument(File.ReadAllText(file, Encoding.UTF8), Path.GetFileName(category), file));
                }
            }
        }

        if (documents.Count == 0)
        {
            throw new InvalidDataException(fortuneFiles
                ? $"{folder}: no fortunes found (expected files of texts separated by lines holding only %)."
                : $"{folder}: no documents found (expected one subfolder per category, one text file per document; for fortune files pass the fortunes option).");
        }

        return documents;
    }

    /// <summary>The texts of a fortune file: the non-empty pieces between lines that hold only <c>%</c>.</summary>
    public static IEnumerable<string> SplitFortunes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var current = new StringBuilder();
        foreach (string line in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.Trim() == "%")
            {
                if (current.ToString().Trim().Length > 0)
                {
                    yield return current.ToString().Trim();
                }

                current.Clear();
            }
            else
            {
                current.Append(line).Append('\n');
            }
        }

        if (current.ToString().Trim().Length > 0)
        {
            yield return current.ToString().Trim();
        }
    }
}

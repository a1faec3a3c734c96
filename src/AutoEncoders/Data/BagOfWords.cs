using System.Text.Json;
using System.Text.RegularExpressions;
using AutoEncoders.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Data;

/// <summary>
/// A bag-of-words vectoriser: lower-case words of letters (two or more), English stop words dropped (optionally),
/// a vocabulary of the words in the most documents (at least a minimum number; ties alphabetical), and vectors of
/// counts, log counts or TF-IDF, each row scaled to a largest value of 1 so they suit a sigmoid-output autoencoder.
/// </summary>
public sealed partial class BagOfWords
{
    private readonly Dictionary<string, int> _positions;

    /// <summary>A vectoriser with a known vocabulary and document frequencies.</summary>
    public BagOfWords(IReadOnlyList<string> vocabulary, IReadOnlyList<int> documentFrequency, int documentCount, TermWeighting weighting, bool removeStopWords, bool scaleRows = true)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(documentFrequency);
        if (vocabulary.Count != documentFrequency.Count)
        {
            throw new ArgumentException($"Expected one document frequency per word ({vocabulary.Count}); found {documentFrequency.Count}.", nameof(documentFrequency));
        }

        Vocabulary = [.. vocabulary];
        DocumentFrequency = [.. documentFrequency];
        DocumentCount = documentCount;
        Weighting = weighting;
        RemoveStopWords = removeStopWords;
        ScaleRows = scaleRows;
        _positions = Vocabulary.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The words, in vector order (most documents first).</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>In how many fitting documents each word occurs.</summary>
    public IReadOnlyList<int> DocumentFrequency { get; }

    /// <summary>Number of documents fitted on.</summary>
    public int DocumentCount { get; }

    /// <summary>How counts become values.</summary>
    public TermWeighting Weighting { get; }

    /// <summary>Whether English stop words are dropped.</summary>
    public bool RemoveStopWords { get; }

    /// <summary>Whether each vector is divided by its largest value.</summary>
    public bool ScaleRows { get; }

    /// <summary>Fits the vocabulary on <paramref name="texts"/>: the <paramref name="vocabularySize"/> words found in the most documents, each in at least <paramref name="minDocumentFrequency"/>.</summary>
    public static BagOfWords Fit(IEnumerable<string> texts, int vocabularySize = 2000, int minDocumentFrequency = 2, TermWeighting weighting = TermWeighting.LogCounts, bool removeStopWords = true, bool scaleRows = true)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
        int documents = 0;
        foreach (string text in texts)
        {
            documents++;
            foreach (string word in Tokenize(text, removeStopWords).Distinct(StringComparer.Ordinal))
            {
                frequency[word] = frequency.GetValueOrDefault(word) + 1;
            }
        }

        KeyValuePair<string, int>[] kept = [.. frequency.Where(p => p.Value >= minDocumentFrequency)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(vocabularySize)];
        if (kept.Length == 0)
        {
            throw new InvalidDataException($"No word occurs in at least {minDocumentFrequency} of the {documents} documents; lower the minimum document frequency.");
        }

        return new BagOfWords([.. kept.Select(p => p.Key)], [.. kept.Select(p => p.Value)], documents, weighting, removeStopWords, scaleRows);
    }

    /// <summary>The words of <paramref name="text"/>: lower-case runs of letters of length two or more, stop words dropped when asked.</summary>
    public static IEnumerable<string> Tokenize(string text, bool removeStopWords = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Match match in WordPattern().Matches(text.ToLowerInvariant()))
        {
            if (match.Length >= 2 && !(removeStopWords && EnglishStopWords.Contains(match.Value)))
            {
                yield return match.Value;
            }
        }
    }

    /// <summary>Vocabulary word counts of <paramref name="text"/> (words outside the vocabulary are ignored).</summary>
    public int[] Counts(string text)
    {
        var counts = new int[Vocabulary.Count];
        foreach (string word in Tokenize(text, RemoveStopWords))
        {
            if (_positions.TryGetValue(word, out int position))
            {
                counts[position]++;
            }
        }

        return counts;
    }

    /// <summary>The weighted vectors [N, V] (float32) of <paramref name="texts"/>.</summary>
    public Tensor Transform(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int v = Vocabulary.Count;
        var values = new float[(long)texts.Count * v];
        double[] idf = [.. DocumentFrequency.Select(df => Math.Log((1.0 + DocumentCount) / (1.0 + df)) + 1)];
        for (int d = 0; d < texts.Count; d++)
        {
            int[] counts = Counts(texts[d]);
            Span<float> row = values.AsSpan(d * v, v);
            float largest = 0;
            for (int i = 0; i < v; i++)
            {
                row[i] = Weighting switch
                {
                    TermWeighting.Counts => counts[i],
                    TermWeighting.LogCounts => (float)Math.Log(1 + counts[i]),
                    _ => (float)(counts[i] * idf[i]),
                };
                largest = Math.Max(largest, row[i]);
            }

            if (ScaleRows && largest > 0)
            {
                for (int i = 0; i < v; i++)
                {
                    row[i] /= largest;
                }
            }
        }

        return torch.tensor(values, [texts.Count, v], dtype: ScalarType.Float32);
    }

    /// <summary>Writes the vectoriser as JSON (atomically).</summary>
    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new Stored(Vocabulary, DocumentFrequency, DocumentCount, Weighting.ToString(), RemoveStopWords, ScaleRows), JsonDefaults.Options) + "\n");

    /// <summary>Reads a vectoriser written by <see cref="Save"/>.</summary>
    public static BagOfWords Load(string path)
    {
        Stored stored = JsonFile.Deserialize<Stored>(JsonFile.ReadText(path, "bag-of-words vocabulary"), path);
        TermWeighting weighting = Enum.TryParse(stored.Weighting, ignoreCase: true, out TermWeighting w) ? w
            : throw new DataFormatException(path, "$.weighting", $"expected counts, logCounts or tfIdf, found '{stored.Weighting}'.");
        return new BagOfWords(stored.Vocabulary, stored.DocumentFrequency, stored.DocumentCount, weighting, stored.RemoveStopWords, stored.ScaleRows);
    }

    [GeneratedRegex("[a-z]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();

    private sealed record Stored(IReadOnlyList<string> Vocabulary, IReadOnlyList<int> DocumentFrequency, int DocumentCount, string Weighting, bool RemoveStopWords, bool ScaleRows);
}

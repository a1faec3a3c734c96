using AutoEncoders.Data;
using AutoEncoders.Runtime;
using TorchSharp;

namespace AutoEncoders.Tests.Data;

public sealed class BagOfWordsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Vocabulary_and_counts_are_right_on_a_hand_checked_corpus()
    {
        TorchRuntime.EnsureLoaded();
        _temp.Write("pets/a.txt", "The cat sat on the mat. The cat!");
        _temp.Write("pets/b.txt", "A dog and a cat; dogs bark.");
        _temp.Write("weather/c.txt", "Rain, rain and more RAIN on the mat");
        IReadOnlyList<TextDocument> documents = TextCorpus.ReadFolder(_temp.Path);
        Assert.Equal(["pets", "pets", "weather"], documents.Select(d => d.Category));

        // Words after dropping stop words (the, on, a, and, more): a: cat sat mat cat; b: dog cat dogs bark; c: rain rain rain mat.
        // Document frequencies: cat 2, mat 2, then bark dog dogs rain sat 1 each (alphabetical among ties).
        BagOfWords bag = BagOfWords.Fit(documents.Select(d => d.Text), vocabularySize: 4, minDocumentFrequency: 1, weighting: TermWeighting.Counts, scaleRows: false);
        Assert.Equal(["cat", "mat", "bark", "dog"], bag.Vocabulary);
        Assert.Equal([2, 2, 1, 1], bag.DocumentFrequency);
        Assert.Equal([2, 1, 0, 0], bag.Counts(documents[0].Text));
        Assert.Equal([1, 0, 1, 1], bag.Counts(documents[1].Text));
        Assert.Equal([0, 1, 0, 0], bag.Counts(documents[2].Text));

        BagOfWords common = BagOfWords.Fit(documents.Select(d => d.Text), vocabularySize: 100, minDocumentFrequency: 2, weighting: TermWeighting.TfIdf, scaleRows: false);
        Assert.Equal(["cat", "mat"], common.Vocabulary);
        float[] tfidf = common.Transform([documents[0].Text]).data<float>().ToArray();
        double idf = Math.Log(4.0 / 3.0) + 1; // ln((1 + 3) / (1 + 2)) + 1
        Assert.Equal(2 * idf, tfidf[0], 5);
        Assert.Equal(idf, tfidf[1], 5);

        BagOfWords logs = BagOfWords.Fit(documents.Select(d => d.Text), vocabularySize: 2, minDocumentFrequency: 1);
        float[] scaled = logs.Transform([documents[0].Text]).data<float>().ToArray();
        Assert.Equal([1f, (float)(Math.Log(2) / Math.Log(3))], scaled);

        // Kept stop words: and, on, the are each in two documents too, and "and" comes first alphabetically.
        BagOfWords withStopWords = BagOfWords.Fit(documents.Select(d => d.Text), vocabularySize: 3, minDocumentFrequency: 1, removeStopWords: false);
        Assert.Equal(["and", "cat", "mat"], withStopWords.Vocabulary);

        string path = _temp.File("vocabulary.json");
        common.Save(path);
        BagOfWords loaded = BagOfWords.Load(path);
        Assert.Equal(common.Vocabulary, loaded.Vocabulary);
        Assert.Equal(TermWeighting.TfIdf, loaded.Weighting);
    }

    [Fact]
    public void Fortune_files_split_on_percent_lines_and_the_file_name_is_the_category()
    {
        _temp.Write("fortunes/cookie", "You will be lucky.\n%\nA second fortune\non two lines.\n%\n\n%\n");
        _temp.Write("fortunes/linux", "Linux is only free if your time has no value.\n%\n");
        _temp.Write("fortunes/cookie.dat", "binary index");

        IReadOnlyList<TextDocument> documents = TextCorpus.ReadFolder(_temp.File("fortunes"), fortuneFiles: true);

        Assert.Equal(3, documents.Count);
        Assert.Equal(["cookie", "cookie", "linux"], documents.Select(d => d.Category));
        Assert.Equal("A second fortune\non two lines.", documents[1].Text);
        Assert.EndsWith("cookie#1", documents[1].Source, StringComparison.Ordinal);
    }
}

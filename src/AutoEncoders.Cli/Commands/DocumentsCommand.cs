using System.CommandLine;
using System.Globalization;
using AutoEncoders.Applications.Search;
using AutoEncoders.Data;
using AutoEncoders.Evaluation;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using AutoEncoders.Visualization;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae documents`: a deep autoencoder of bag-of-words vectors (Hinton and Salakhutdinov, 2006): reads a folder of
/// texts (or fortune files), trains on most documents, and reports precision@k of document search by cosine
/// similarity for the bag of words, PCA and the codes, draws a 2-D map coloured by category, and answers text queries.
/// </summary>
internal static class DocumentsCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var corpus = new Option<string>("--corpus") { Description = "A folder of texts: one subfolder per category, one file per document (or fortune files with --fortunes).", Required = true };
        var fortunes = new Option<bool>("--fortunes") { Description = "Each file holds many documents separated by lines holding only %; the file name is the category (/usr/share/games/fortunes)." };
        var minCategory = new Option<int>("--min-category") { Description = "Drop categories with fewer documents than this.", DefaultValueFactory = _ => 1 };
        var vocabulary = new Option<int>("--vocabulary") { Description = "Words kept: those in the most training documents.", DefaultValueFactory = _ => 2000 };
        var minDf = new Option<int>("--min-df") { Description = "A word must occur in at least this many training documents.", DefaultValueFactory = _ => 3 };
        var weighting = EnumOption.Create<TermWeighting>("--weighting", "counts, log_counts (default) or tf_idf; each vector is scaled to a largest value of 1.");
        var keepStopWords = new Option<bool>("--keep-stop-words") { Description = "Keep English stop words (the, and, of...)." };
        var layers = new Option<string>("--layers") { Description = "Hidden layer sizes down to the code; the vocabulary size is prepended.", DefaultValueFactory = _ => "500,250,2" };
        var training = new TrainerArguments("Training epochs.", 20, "Documents per mini-batch.", 128, 1e-3);
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of documents held out as search queries.", DefaultValueFactory = _ => 0.2 };
        var k = new Option<int>("--neighbours", "-k") { Description = "Neighbours for precision@k and for --query.", DefaultValueFactory = _ => 10 };
        var map = new Option<string?>("--map") { Description = "Write the map of the held-out documents' codes (PCA-2 of them above 2-D), coloured by category, to this PNG." };
        var output = new Option<string?>("--out", "-o") { Description = "Save the model and the vocabulary (vocabulary.json) in this folder." };
        var query = new Option<string?>("--query") { Description = "A text to search for among the training documents (cosine similarity of codes)." };
        var command = new Command("documents", "Deep autoencoder of documents: bag of words, training, precision@k of document search, 2-D map, text queries.")
        {
            corpus, fortunes, minCategory, vocabulary, minDf, weighting, keepStopWords, layers, training.Epochs, training.BatchSize, training.LearningRate, testFraction, k, map, output, query,
        };
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            common.ConfigureRuntime(parse, defaultSeed: 1);
            int seed = parse.GetValue(common.Seed) ?? 1;
            int kk = parse.GetValue(k);
            IReadOnlyList<TextDocument> all = TextCorpus.ReadFolder(parse.GetValue(corpus)!, parse.GetValue(fortunes));
            int minimum = parse.GetValue(minCategory);
            string[] categories = [.. all.GroupBy(d => d.Category).Where(g => g.Count() >= minimum).Select(g => g.Key).Order(StringComparer.Ordinal)];
            TextDocument[] documents = [.. all.Where(d => categories.Contains(d.Category))];
            if (categories.Length == 0)
            {
                throw new ArgumentException($"--min-category {minimum}: no category of {parse.GetValue(corpus)} has that many documents.");
            }

            double fraction = parse.GetValue(testFraction);
            if (fraction is <= 0 or >= 1)
            {
                throw new ArgumentException($"--test-fraction must lie strictly between 0 and 1; found {fraction.ToString(CultureInfo.InvariantCulture)}.");
            }

            using var scope = torch.NewDisposeScope();
            using var generator = new Generator((ulong)seed);
            long[] order = torch.randperm(documents.Length, generator: generator).data<long>().ToArray();
            int testCount = Math.Max(1, (int)Math.Round(documents.Length * fraction));
            TextDocument[] test = [.. order.Take(testCount).Select(i => documents[i])];
            TextDocument[] train = [.. order.Skip(testCount).Select(i => documents[i])];
            long[] trainLabels = [.. train.Select(d => (long)Array.IndexOf(categories, d.Category))];
            long[] testLabels = [.. test.Select(d => (long)Array.IndexOf(categories, d.Category))];

            BagOfWords bag = BagOfWords.Fit(train.Select(d => d.Text), parse.GetValue(vocabulary), parse.GetValue(minDf),
                parse.GetValue(weighting) ?? TermWeighting.LogCounts, removeStopWords: !parse.GetValue(keepStopWords));
            Tensor trainX = bag.Transform([.. train.Select(d => d.Text)]);
            Tensor testX = bag.Transform([.. test.Select(d => d.Text)]);
            stdout.WriteLine($"corpus   {documents.Length} documents in {categories.Length} categories ({train.Length} train, {test.Length} held out); vocabulary {bag.Vocabulary.Count} words ({bag.Weighting})");

            int[] hidden = [.. parse.GetValue(layers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s =>
                int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new ArgumentException($"--layers: '{s}' is not a layer size; expected positive integers such as 500,250,2."))];
            var config = new DenseAutoencoderConfig { Layers = [bag.Vocabulary.Count, .. hidden], OutputActivation = Activation.Sigmoid };
            var objective = new Objective { Reconstruction = new BinaryCrossEntropy() };
            using Autoencoder model = config.Build();
            TrainerOptions options = training.Read(parse, seed, common);
            stdout.WriteLine($"model    dense {string.Join('-', config.Layers)}, BCE; {model.ParameterCount:N0} parameters");
            using var trainSet = new TensorDataset(trainX.clone(), torch.tensor(trainLabels), categories, "documents");
            TrainingHistory history;
            using (var trainer = new Trainer(model, objective, options))
            {
                history = trainer.Fit(trainSet);
            }

            var trained = new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = objective, Training = options, ClassNames = categories }, history);
            Tensor trainCodes = trained.Encode(trainX).reshape(train.Length, -1);
            Tensor testCodes = trained.Encode(testX).reshape(test.Length, -1);
            int dims = (int)testCodes.shape[1];
            using PrincipalComponentAnalysis pca = PrincipalComponentAnalysis.Fit(trainX, dims);
            stdout.WriteLine();
            stdout.WriteLine($"| representation | dims | precision@{kk} (cosine) |");
            stdout.WriteLine("|---|---:|---:|");
            foreach ((string name, Tensor collection, Tensor queries) in new[]
            {
                ("bag of words", trainX, testX),
                ("PCA", pca.Transform(trainX), pca.Transform(testX)),
                ("autoencoder codes", trainCodes, testCodes),
            })
            {
                double precision = RetrievalPrecision.AtK(ExactSearch.Search(collection, queries, kk, DistanceMetric.Cosine), trainLabels, testLabels, kk);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {collection.shape[1]} | {precision:F4} |"));
            }

            double chance = testLabels.GroupBy(l => l).Sum(g => (double)g.Count() / test.Length * trainLabels.Count(t => t == g.Key) / train.Length);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| chance (random neighbours) | - | {chance:F4} |"));
            stdout.WriteLine();

            if (parse.GetValue(map) is string mapPath)
            {
                LatentSpacePlot.Save(testCodes, torch.tensor(testLabels), categories, mapPath);
                stdout.WriteLine($"map      {mapPath}");
            }

            if (parse.GetValue(output) is string directory)
            {
                trained.Save(directory);
                bag.Save(Path.Combine(directory, "vocabulary.json"));
                stdout.WriteLine($"saved    {directory}");
            }

            if (parse.GetValue(query) is string text)
            {
                Tensor code = trained.Encode(bag.Transform([text])).reshape(1, -1);
                SearchResults results = ExactSearch.Search(trainCodes, code, kk, DistanceMetric.Cosine);
                stdout.WriteLine($"query    \"{text}\"");
                for (int i = 0; i < results.Indices[0].Length; i++)
                {
                    TextDocument found = train[results.Indices[0][i]];
                    string snippet = string.Join(' ', found.Text.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
                    snippet = snippet.Length > 90 ? snippet[..90] + "..." : snippet;
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i + 1,3}. [{found.Category}] {snippet} (distance {results.Distances[0][i]:F3})"));
                }
            }

            return 0;
        });
        return command;
    }
}

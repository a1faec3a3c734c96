using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Evaluation.Generative;
using AutoEncoders.Persistence;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae eval RUN --generative --classifier FOLDER`: the generative benchmark's one evaluation (test reconstruction
/// error, IWAE bound where defined, Fréchet distance in a stored classifier's feature space), trained-classifier
/// caching included; parses and prints, the work is <see cref="GenerativeEvaluation"/>'s.
/// </summary>
internal sealed class GenerativeEvalOptions
{
    public Option<bool> Generative { get; } = new("--generative") { Description = "Evaluate as the generative benchmark does: test reconstruction error, the IWAE bound (k = --iwae-samples, default 1000, on the first --iwae-limit test images, default 1000) for variational models, and the Fréchet distance between classifier features of the test images and of decoded prior samples (a small classifier's feature space, not Inception's FID)." };

    public Option<string?> Classifier { get; } = new("--classifier") { Description = "With --generative: the folder of the feature classifier (classifier.json, weights.bin); when it holds none, one is trained (seed 1) on the training images the run was trained on (or --dataset's training split) and saved there." };

    public Option<int> Generated { get; } = new("--generated") { Description = "With --generative: prior samples decoded for the Fréchet distance.", DefaultValueFactory = _ => 10_000 };

    public IEnumerable<Option> All => [Generative, Classifier, Generated];

    /// <summary>Runs the generative evaluation on <paramref name="run"/>'s model and data and prints it (JSON with <paramref name="asJson"/>).</summary>
    public int Run(ModelOnData run, bool asJson, Option<int> iwaeSamples, Option<long?> iwaeLimit)
    {
        ParseResult parse = run.Parse;
        string folder = parse.GetValue(Classifier)
            ?? throw new ArgumentException("--generative needs --classifier FOLDER: where the feature classifier is kept (trained there on first use).");
        var options = new GenerativeEvaluationOptions
        {
            GeneratedSamples = parse.GetValue(Generated),
            ImportanceSamples = parse.GetResult(iwaeSamples) is { Implicit: false } ? parse.GetValue(iwaeSamples) : 1000,
            ImportanceLimit = parse.GetResult(iwaeLimit) is { Implicit: false } ? parse.GetValue(iwaeLimit) : 1000,
            Seed = parse.GetValue(run.Common.Seed) ?? 1,
        };
        options.Validate();
        TensorDataset test = run.Data;
        using StoredFeatureClassifier classifier = StoredFeatureClassifier.LoadOrTrain(folder, () => TrainingSplit(run), test, log: asJson ? null : run.Output);
        GenerativeMetrics metrics = GenerativeEvaluation.Evaluate(run.Model, test, classifier, options);
        if (asJson)
        {
            var row = new Dictionary<string, object>
            {
                ["run"] = run.Directory,
                ["data"] = test.Name,
                ["sample_source"] = metrics.SampleSource,
                ["classifier"] = folder,
            };
            foreach ((string key, double value) in metrics.ToDictionary())
            {
                row[key] = value;
            }

            run.Output.WriteLine(JsonSerializer.Serialize(row, JsonDefaults.Options));
            return 0;
        }

        run.Output.WriteLine($"{test.Name}: {test.Count} samples; {metrics.GeneratedSamples} samples drawn from {metrics.SampleSource}");
        run.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  feature classifier {folder}: test accuracy {classifier.Info.TestAccuracy:P2}, train-vs-test Fréchet distance {classifier.Info.TrainVsTestFrechet:G4} (not Inception's FID)"));
        foreach ((string key, double value) in metrics.ToDictionary())
        {
            run.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {key,-34} {value,12:G6}"));
        }

        if (metrics.ImportanceWeightedBound is null)
        {
            run.Output.WriteLine("  (no IWAE bound: the model defines no likelihood)");
        }

        return 0;
    }

    /// <summary>The training split of the data the test set comes from: --dataset's, else the run's own training images (its --train-limit included).</summary>
    private static TensorDataset TrainingSplit(ModelOnData run)
    {
        string? dataset = run.Parse.GetValue<string?>("--dataset");
        if (run.Parse.GetValue<string?>("--images") is not null && dataset is null)
        {
            throw new ArgumentException("--generative with --images: pass --classifier a folder that already holds a feature classifier, or use --dataset so one can be trained on its training split.");
        }

        DataSource source = RunDataSource.Resolve(run.Directory, dataset);
        return DataSourceLoader.Load(source, DatasetSplit.Train, run.Common.DatasetOptions(run.Parse, run.Output));
    }
}

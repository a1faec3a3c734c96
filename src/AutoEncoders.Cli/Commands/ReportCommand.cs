using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using AutoEncoders.Visualization;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae report RUN_DIR`: (re)draws a run's pictures into RUN_DIR/pictures/ and writes RUN_DIR/report.html.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runDirectory = new Argument<string>("run-dir") { Description = "The run directory written by `ae train` (or any model directory)." };
        var testImages = new Option<string?>("--test-images") { Description = "IDX file of test images (default: the recipe's test images)." };
        var testLabels = new Option<string?>("--test-labels") { Description = "IDX file of test labels, to colour the latent space by class." };
        var noTest = new Option<bool>("--no-test") { Description = "Draw only what needs no test data (curves, filters, and prior samples of variational models)." };
        var imageShape = new Option<string?>("--image-shape") { Description = "Shape of one sample as C,H,W (e.g. 1,28,28) when it cannot be inferred." };
        var seed = new Option<long>("--seed") { Description = "Seed for every random choice in the pictures.", DefaultValueFactory = _ => 0 };
        var samples = new Option<int>("--samples") { Description = "At most this many test samples feed the latent scatter and unit pictures.", DefaultValueFactory = _ => 2000 };
        var steps = new Option<int>("--maximization-steps") { Description = "Gradient-ascent steps of activation maximisation (0 leaves it out).", DefaultValueFactory = _ => 150 };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "A folder holding <dataset>/ folders, searched before AE_DATA_PATH and /usr/share/datasets." };
        var command = new Command("report", "Draw a run's pictures (reconstructions, latent space, training curves, filters, unit pictures, generative views) and write RUN_DIR/report.html, a self-contained page.")
        {
            runDirectory, testImages, testLabels, noTest, imageShape, seed, samples, steps, dataDirectory,
        };
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            TextWriter error = parse.InvocationConfiguration.Error;
            try
            {
                string directory = parse.GetValue(runDirectory)!;
                RunSummary run = RunSummary.Load(directory);
                var options = new ReportOptions
                {
                    Seed = parse.GetValue(seed),
                    MaxTestSamples = parse.GetValue(samples),
                    MaximizationSteps = parse.GetValue(steps),
                    ImageLayout = parse.GetValue(imageShape) is { } shape ? ImageLayout.Parse(shape) : null,
                };
                options.Validate();
                TorchRuntime.EnsureLoaded();
                using TensorDataset? test = parse.GetValue(noTest) ? null : LoadTestData(run, parse.GetValue(testImages), parse.GetValue(testLabels), new DatasetOptions { DataDirectory = parse.GetValue(dataDirectory), Log = output.WriteLine }, output);
                output.WriteLine($"report: {run.Directory}");
                RunReport report = new ReportBuilder(directory) { Test = test, Options = options, Log = output }.Build();
                foreach ((string picture, string reason) in report.Skipped)
                {
                    output.WriteLine($"  not drawn: {picture}: {reason}");
                }

                output.WriteLine($"wrote {report.Pictures.Count} pictures and {report.ReportPath}");
                return 0;
            }
            catch (InvalidDataException e)
            {
                error.WriteLine($"error: {e.Message}");
                return AeApplication.Failure;
            }
        });
        return command;
    }

    /// <summary>
    /// Draws the pictures and writes report.html for a run that `ae train` just finished, with the recipe's test split
    /// when it has one. A picture that cannot be drawn is reported as a warning: the trained model is already saved,
    /// and `ae report RUN_DIR` rebuilds the report.
    /// </summary>
    internal static void WriteAfterTraining(string runDirectory, Recipe recipe, DatasetOptions dataOptions, TextWriter output, TextWriter error)
    {
        try
        {
            using TensorDataset? test = DataSourceLoader.HasTest(recipe.Data) ? DataSourceLoader.Load(recipe.Data, DatasetSplit.Test, dataOptions) : null;
            output.WriteLine("pictures writing the run's pictures and report...");
            RunReport report = new ReportBuilder(runDirectory) { Test = test, Options = new ReportOptions { Seed = recipe.Training.Seed }, Warnings = error, Log = output }.Build();
            output.WriteLine($"report   {report.ReportPath} ({report.Pictures.Count} pictures)");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or IOException or InvalidDataException or DataFormatException)
        {
            error.WriteLine($"warning: the run's pictures and report were not written ({e.Message}); rebuild them with `ae report {runDirectory}`.");
        }
    }

    /// <summary>
    /// The test set for a report: the IDX files given, else the recipe's test split (catalog dataset or IDX files);
    /// null (with a note) when neither names one, so the report leaves out what needs test data.
    /// </summary>
    internal static TensorDataset? LoadTestData(RunSummary run, string? images, string? labels, DatasetOptions options, TextWriter output)
    {
        if (images is not null)
        {
            return IdxDataset.Load(images, labels, run.Manifest.ClassNames, name: Path.GetFileName(images));
        }

        if (labels is not null)
        {
            throw new ArgumentException("--test-labels needs --test-images: give the IDX file of the test images too.");
        }

        if (run.Recipe is { } recipe && DataSourceLoader.HasTest(recipe.Data))
        {
            return DataSourceLoader.Load(recipe.Data, DatasetSplit.Test, options);
        }

        output.WriteLine($"note: no test data (the run has no {RunDirectory.RecipeFile} naming a test split, and --test-images was not given); pictures that need test data are left out.");
        return null;
    }
}

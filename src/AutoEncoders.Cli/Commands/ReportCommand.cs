using System.CommandLine;
using AutoEncoders.Data;
using AutoEncoders.Runtime;
using AutoEncoders.Visualization;
using TorchSharp;

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
        var command = new Command("report", "Draw a run's pictures (reconstructions, latent space, training curves, filters, unit pictures, generative views) and write RUN_DIR/report.html, a self-contained page.")
        {
            runDirectory, testImages, testLabels, noTest, imageShape, seed, samples, steps,
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
                using TensorDataset? test = parse.GetValue(noTest) ? null : LoadTestData(run, parse.GetValue(testImages), parse.GetValue(testLabels), output);
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
    /// The test set for a report: the IDX files given, else the recipe's test files; null (with a note) when neither
    /// names any, so the report leaves out what needs test data.
    /// </summary>
    internal static TensorDataset? LoadTestData(RunSummary run, string? images, string? labels, TextWriter output)
    {
        DataSource? source = run.Recipe?.Data;
        images ??= source?.TestImages;
        labels ??= images == source?.TestImages ? source?.TestLabels : labels;
        if (images is null)
        {
            string hint = source?.Dataset is { } name ? $" The recipe names the catalog dataset '{name}'; pass its test files with --test-images and --test-labels." : string.Empty;
            output.WriteLine($"note: no test images (the recipe names none and --test-images was not given); pictures that need test data are left out.{hint}");
            return null;
        }

        if (!Path.IsPathRooted(images) && !File.Exists(images) && File.Exists(Path.Combine(run.Directory, images)))
        {
            images = Path.Combine(run.Directory, images);
        }

        IdxArray imageArray = IdxReader.Read(images);
        torch.Tensor features = imageArray.ToFloatTensor();
        long? limit = source?.TestLimit;
        torch.Tensor? labelTensor = null;
        if (labels is not null)
        {
            IdxArray labelArray = IdxReader.Read(labels);
            if (labelArray.Count != imageArray.Count)
            {
                throw new ArgumentException($"{labels} holds {labelArray.Count} labels but {images} holds {imageArray.Count} images; give matching test files.");
            }

            labelTensor = labelArray.ToLabelTensor();
        }

        var data = new TensorDataset(features, labelTensor, run.Manifest.ClassNames, name: Path.GetFileName(images));
        if (limit is long n && n < data.Count)
        {
            TensorDataset limited = data.Slice(0, n);
            data.Dispose();
            return limited;
        }

        return data;
    }
}

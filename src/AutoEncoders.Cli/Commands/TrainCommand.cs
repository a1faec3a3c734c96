using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using AutoEncoders.Data;
using AutoEncoders.Data.Streaming;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using AutoEncoders.Training.Callbacks;
using AutoEncoders.Visualization;
using TorchSharp;

namespace AutoEncoders.Cli.Commands;

/// <summary>`ae train`: runs a recipe (or a dense model described by flags), writes a run directory, evaluates on the test split.</summary>
internal static class TrainCommand
{
    /// <summary>Exit code after Ctrl-C saved a checkpoint (128 + SIGINT).</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>Exit code after SIGTERM saved a checkpoint (128 + SIGTERM).</summary>
    public const int TerminatedExitCode = 143;

    public static Command Create()
    {
        var common = new CommonOptions();
        var recipeOption = new Option<string?>("--recipe", "-r") { Description = "Recipe file (.json/.yaml): model, objective, training and data. See recipes/." };
        var resume = new Option<string?>("--resume") { Description = "Continue an interrupted run from RUN_DIR/checkpoint.ckpt (the run's recipe is used)." };
        var output = new Option<string>("--out", "-o") { Description = "Folder under which the run directory is created.", DefaultValueFactory = _ => "runs" };
        var name = new Option<string?>("--name") { Description = "Run name (default: the recipe's name)." };
        var epochs = new Option<int?>("--epochs") { Description = "Override the number of epochs." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Override the mini-batch size." };
        var learningRate = new Option<double?>("--lr") { Description = "Override the learning rate." };
        var dataset = new Option<string?>("--dataset") { Description = "Override the dataset (mnist, fashion-mnist, kmnist)." };
        var trainLimit = new Option<long?>("--train-limit") { Description = "Train on the first N training samples only." };
        var validationSplit = new Option<double?>("--validation-split") { Description = "Hold out this fraction of the training data for validation." };
        var progress = EnumOption.Create<ProgressMode>("--progress", "Console progress: a live bar on a terminal, one line per epoch otherwise (auto).");
        var layers = new Option<string?>("--layers") { Description = "Without a recipe: dense layer sizes from input to code, e.g. 784,128,32." };
        var activation = EnumOption.Create<Activation>("--activation", "Without a recipe: hidden activation (default relu).");
        var codeActivation = EnumOption.Create<Activation>("--code-activation", "Without a recipe: code layer activation (default linear).");
        var loss = new Option<string?>("--loss") { Description = "Without a recipe: mse or bce." };
        var tied = new Option<bool>("--tied-weights") { Description = "Without a recipe: tie decoder weights to the encoder's." };
        var codeNoise = new Option<double?>("--code-noise") { Description = "Dense models: Gaussian noise (standard deviation S) on the code layer's input while training, for near-binary sigmoid codes (semantic hashing)." };
        var picturesEvery = new Option<int?>("--pictures-every") { Description = "Image data: every N epochs, write RUN_DIR/pictures/epochs/reconstructions-epoch-NNN.png (the same samples over their reconstructions)." };
        var tensorBoard = new Option<string?>("--tensorboard") { Description = "Write TensorBoard event files into DIR: losses and learning rate per epoch, weight histograms, reconstructions of image data." };
        var objectiveFlags = new ObjectiveFlags("the model");
        var trainingData = new TrainingDataOptions();

        var command = new Command("train", "Train an autoencoder and save a run directory (model, history, checkpoint, metrics).")
        {
            recipeOption, resume, output, name, epochs, batchSize, learningRate, dataset, trainLimit, validationSplit, progress,
            layers, activation, codeActivation, loss, tied, codeNoise, tensorBoard, picturesEvery,
        };
        objectiveFlags.AddTo(command);
        trainingData.AddTo(command);
        common.AddTo(command);
        command.SetAction(parse =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;

            // Overrides are checked first, each named by its option: the recipe is not to blame for them.
            CheckOption(parse, epochs, v => v >= 1, "at least 1 epoch");
            CheckOption(parse, batchSize, v => v >= 1, "at least 1 sample per batch");
            CheckOption(parse, learningRate, v => v > 0 && double.IsFinite(v), "a positive finite learning rate");
            CheckOption(parse, validationSplit, v => v is >= 0 and < 1, "a fraction in [0, 1)");
            CheckOption(parse, trainLimit, v => v >= 1, "at least 1 sample");
            CheckOption(parse, picturesEvery, v => v >= 1, "at least 1 epoch");
            string? resumeDir = parse.GetValue(resume);
            RunDirectory? run = null;
            ExclusiveFileLock? runLock = null;
            string? createdRoot = null; // the --out folder, when this run made it: removed again with a failed run
            Recipe recipe;
            string source;
            try
            {
                if (resumeDir is not null)
                {
                    run = RunDirectory.Open(resumeDir);

                    // Held until the command ends: a second resume of the run is refused before it reads or rewrites anything.
                    runLock = run.Lock();
                    recipe = run.LoadRecipe();
                    source = run.RecipePath;
                    if (!File.Exists(run.CheckpointPath))
                    {
                        throw new FileNotFoundException($"{run.CheckpointPath}: no checkpoint to resume from; the run stopped before its first checkpoint.", run.CheckpointPath);
                    }
                }
                else
                {
                    string? recipePath = parse.GetValue(recipeOption);
                    recipe = recipePath is not null ? Recipe.Load(recipePath) : FromFlags(parse, layers, activation, codeActivation, loss, tied);
                    recipe = recipe with { Objective = objectiveFlags.Apply(parse, recipe.Objective) };
                    recipe = AddCodeNoise(recipe, parse.GetValue(codeNoise));
                    source = recipePath ?? "the command line";
                }

                recipe = recipe with
                {
                    Training = recipe.Training with
                    {
                        Epochs = parse.GetValue(epochs) ?? recipe.Training.Epochs,
                        BatchSize = parse.GetValue(batchSize) ?? recipe.Training.BatchSize,
                        Seed = parse.GetValue(common.Seed) ?? recipe.Training.Seed,
                        ValidationSplit = parse.GetValue(validationSplit) ?? recipe.Training.ValidationSplit,
                        Progress = parse.GetValue(progress) ?? recipe.Training.Progress,
                        Device = parse.GetValue(common.Device) ?? recipe.Training.Device,
                        Optimizer = recipe.Training.Optimizer with { LearningRate = parse.GetValue(learningRate) ?? recipe.Training.Optimizer.LearningRate },
                    },
                    Data = trainingData.Apply(parse, recipe.Data with
                    {
                        Dataset = parse.GetValue(dataset) ?? recipe.Data.Dataset,
                        TrainLimit = parse.GetValue(trainLimit) ?? recipe.Data.TrainLimit,
                    }),
                };

                // Everything is checked before the run folder is created or its recipe rewritten.
                CheckBeforeCreating(recipe, source);

                // Threads, seed and device (a CUDA device on a CPU build is refused here), before anything is created.
                common.ConfigureRuntime(parse, recipe.Training.Seed);
                if (run is null)
                {
                    createdRoot = Directory.Exists(parse.GetValue(output)!) ? null : parse.GetValue(output)!;
                    run = RunDirectory.CreateNew(parse.GetValue(output)!, parse.GetValue(name) ?? recipe.Name ?? "run");
                    runLock = run.Lock();
                }

                run.RemoveStaleTemporaries();
                run.SaveRecipe(recipe);
                try
                {
                    return Train(parse, common, run, recipe, resumeDir is not null, (parse.GetValue(tensorBoard), parse.GetValue(picturesEvery)), stdout);
                }
                catch (InvalidOperationException e) when (e is NonFiniteLossException or NonFiniteParameterException)
                {
                    bool kept = File.Exists(run.CheckpointPath);
                    if (!kept)
                    {
                        // Diverged before any checkpoint (only a new run can): nothing worth keeping. The lock goes first.
                        runLock?.Dispose();
                        runLock = null;
                        Directory.Delete(run.Path, recursive: true);
                        DeleteIfEmpty(createdRoot);
                    }

                    parse.InvocationConfiguration.Error.WriteLine(DivergedLine(e, run, recipe, kept));
                    return AeApplication.Failure;
                }
                catch when (resumeDir is null && !File.Exists(run.CheckpointPath))
                {
                    // A new run that failed before its first checkpoint (missing data, a refused file) leaves nothing behind.
                    runLock?.Dispose();
                    runLock = null;
                    Directory.Delete(run.Path, recursive: true);
                    DeleteIfEmpty(createdRoot);
                    throw;
                }
            }
            finally
            {
                runLock?.Dispose();
            }
        });
        return command;
    }

    /// <summary>
    /// Refuses what would fail later, before anything is created: the training options, the model, the objective, the
    /// data limits, and whether training the model fits in memory. Messages start with <paramref name="source"/>.
    /// </summary>
    internal static void CheckBeforeCreating(Recipe recipe, string source)
    {
        recipe.Validate(source);
        TrainingMemoryCheck.Require(recipe.Model, recipe.Training, $"{source}: model");
    }

    private static void DeleteIfEmpty(string? folder)
    {
        if (folder is not null && Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }

    private static void CheckOption<T>(ParseResult parse, Option<T?> option, Func<T, bool> valid, string expected)
        where T : struct, IFormattable
    {
        if (parse.GetValue(option) is T value && !valid(value))
        {
            throw new ArgumentException($"{option.Name}: expected {expected}; found {value.ToString(null, CultureInfo.InvariantCulture)}.");
        }
    }

    // A run stopped by a NaN or infinite loss or weight: one line saying where, what, and what is left to resume.
    private static string DivergedLine(InvalidOperationException e, RunDirectory run, Recipe recipe, bool kept)
    {
        string lower = (recipe.Training.Optimizer.LearningRate / 10).ToString("G3", CultureInfo.InvariantCulture);
        string what = e switch
        {
            NonFiniteLossException loss => string.Create(CultureInfo.InvariantCulture,
                $"training stopped at epoch {loss.Epoch}, batch {loss.Batch}: the '{loss.Term}' term is {loss.Value} (the weights were not updated with it)"),
            NonFiniteParameterException weights => $"training stopped at epoch {weights.Epoch}: the weights '{weights.Parameter}' are NaN or infinite ({weights.When}); an update diverged and no model was saved",
            _ => e.Message,
        };
        if (!kept)
        {
            return $"error: {run.Path}: {what}; it failed before its first checkpoint, so nothing was kept. Start again with a lower learning rate (--lr {lower}) or gradientClipNorm.";
        }

        string state = e is NonFiniteLossException { CheckpointPath: not null }
            ? "the last good state (before that batch) is saved in"
            : "the last good checkpoint, from an earlier epoch, is";
        return $"error: {run.Path}: {what}; {state} {run.CheckpointPath}. Resume with a lower learning rate (ae train --resume {run.Path} --lr {lower}) or start again with one.";
    }

    private static int Train(ParseResult parse, CommonOptions common, RunDirectory run, Recipe recipe, bool resuming, (string? TensorBoard, int? PicturesEvery) watch, TextWriter stdout)
    {
        DatasetOptions dataOptions = common.DatasetOptions(parse, stdout);
        using IBatchSource train = DataSourceLoader.LoadTraining(recipe.Data, dataOptions);

        // A streamed file is never in memory whole: pictures and TensorBoard take its first rows.
        using TensorDataset? head = train is StreamingDataset stream ? stream.Head(64) : null;
        TensorDataset first = head ?? (TensorDataset)train;
        string note = train is StreamingDataset streamed ? $"streamed in {streamed.BlockCount} blocks" : first.Note ?? string.Empty;
        stdout.WriteLine($"run      {run.Path}");
        stdout.WriteLine($"data     {train.Name}: {train.Count} samples of [{string.Join(", ", train.SampleShape)}]{(note.Length == 0 ? string.Empty : $" ({note})")}");
        var runner = new RecipeRunner(recipe, run) { Log = stdout.WriteLine };
        if (recipe.Training.Progress != ProgressMode.Silent)
        {
            // A live bar only on the real console; captured output gets one line per epoch.
            runner.Callbacks.Add(new ConsoleProgress(ReferenceEquals(stdout, Console.Out) ? null : stdout, recipe.Training.Progress));
        }

        if (watch.TensorBoard is not null)
        {
            runner.Callbacks.Add(new TensorBoardLogger(watch.TensorBoard, first.Features.narrow(0, 0, Math.Min(8, first.Count))));
        }

        if (watch.PicturesEvery is int every)
        {
            ImageLayout layout = ImageLayout.Infer(train.SampleShape);
            runner.Callbacks.Add(new ReconstructionPictures(Path.Combine(run.PicturesPath, "epochs"), first.Features, layout, every));
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (!cancellation.IsCancellationRequested)
            {
                e.Cancel = true;
                cancellation.Cancel();
                Console.Error.WriteLine("\nStopping after this batch and saving a checkpoint (Ctrl-C again to abort without one)...");
            }
        };
        Console.CancelKeyPress += onCancel;

        // SIGTERM (kill, a scheduler's stop, a container shutdown) gets the same checkpoint-and-exit as Ctrl-C.
        bool terminated = false;
        using PosixSignalRegistration onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            if (!cancellation.IsCancellationRequested)
            {
                context.Cancel = true;
                terminated = true;
                cancellation.Cancel();
                Console.Error.WriteLine("\nTerminated: stopping after this batch and saving a checkpoint...");
            }
        });
        RecipeRunResult result;
        try
        {
            TensorDataset? LoadTest() => DataSourceLoader.HasTest(recipe.Data) ? DataSourceLoader.Load(recipe.Data, DatasetSplit.Test, dataOptions) : null;
            result = runner.Execute(train, LoadTest, resuming, cancellation.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        if (result.History.Interrupted)
        {
            stdout.WriteLine($"Resume with: ae train --resume {run.Path}");
            return terminated ? TerminatedExitCode : InterruptedExitCode;
        }

        if (result.TestMetrics is { } metrics)
        {
            stdout.WriteLine($"test     {string.Join("  ", metrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G5}")))}");
            if (CorruptedMetricsLegend.Describe(recipe.Objective) is string legend)
            {
                stdout.WriteLine($"         {legend}");
            }
        }

        stdout.WriteLine($"saved    {run.Path}");

        // Pictures and report (Visualization): RUN_DIR/pictures/*.png and RUN_DIR/report.html; `ae report` rebuilds them.
        ReportCommand.WriteAfterTraining(run.Path, recipe, dataOptions, stdout, parse.InvocationConfiguration.Error);
        return 0;
    }

    private static Recipe FromFlags(ParseResult parse, Option<string?> layers, Option<Activation?> activation, Option<Activation?> codeActivation, Option<string?> loss, Option<bool> tied)
    {
        string sizes = parse.GetValue(layers)
            ?? throw new ArgumentException("Give a recipe (--recipe recipes/NAME.json) or at least --layers (e.g. --layers 784,128,32) and --dataset.");
        int[] parsed = sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new ArgumentException($"--layers: '{s}' is not a layer size; expected integers such as 784,128,32."))
            .ToArray();
        var config = new DenseAutoencoderConfig
        {
            Layers = parsed,
            Activation = parse.GetValue(activation) ?? Activation.Relu,
            CodeActivation = parse.GetValue(codeActivation) ?? Activation.Linear,
            TiedWeights = parse.GetValue(tied),
        };
        LossTerm reconstruction = (parse.GetValue(loss) ?? "bce") switch
        {
            "mse" => new MeanSquaredError(),
            "bce" => new BinaryCrossEntropy(),
            string other => throw new ArgumentException($"--loss: '{other}' is not known; expected mse or bce."),
        };
        return new Recipe { Name = $"dense-{string.Join('-', parsed)}", Model = config, Objective = new Objective { Reconstruction = reconstruction } };
    }

    private static Recipe AddCodeNoise(Recipe recipe, double? codeNoise) =>
        codeNoise is double s ? recipe.WithCodeNoise(s, "--code-noise") : recipe;
}

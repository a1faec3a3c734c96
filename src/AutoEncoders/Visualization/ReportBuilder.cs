using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Visualization;

/// <summary>
/// Draws every picture of a run into RUN_DIR/pictures/ and writes RUN_DIR/report.html: one self-contained page
/// (configuration, data fingerprint, metrics, training curves and all pictures embedded as base64 data URIs; inline
/// CSS, no scripts, no network). Pictures that need test data are drawn when <see cref="Test"/> is given; any that
/// cannot be drawn for this model or data are listed in the report with the reason.
/// </summary>
public sealed class ReportBuilder
{
    private static readonly string[] LeadingSections = ["Summary", "Metrics"];

    private static readonly string[] SectionOrder = ["Training", "Reconstructions", "Latent space", "What the units learned", "Generative views", "Sparsity"];

    /// <summary>A builder for the run (or model) directory <paramref name="runDirectory"/>.</summary>
    public ReportBuilder(string runDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        RunDirectory = Path.GetFullPath(runDirectory);
    }

    /// <summary>The run directory.</summary>
    public string RunDirectory { get; }

    /// <summary>The test data (features as the model takes them or flattened, labels optional); null draws only what needs no data.</summary>
    public TensorDataset? Test { get; init; }

    /// <summary>Counts, seed and image shape.</summary>
    public ReportOptions Options { get; init; } = new();

    /// <summary>Where to say that a picture could not be drawn, and why (it is left out of the report), or null.</summary>
    public TextWriter? Warnings { get; init; }

    /// <summary>Where to say which picture is being drawn, or null for silence.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Draws the pictures and writes report.html; returns what was written.</summary>
    public RunReport Build()
    {
        Options.Validate();
        RunSummary run = RunSummary.Load(RunDirectory);
        // Test data the model cannot take is refused before any picture is drawn.
        Test?.RequireSampleSize(run.Manifest.Model.InputShape, "the model");
        string pictures = Path.Combine(RunDirectory, Persistence.RunDirectory.PicturesFolder);
        Directory.CreateDirectory(pictures);
        var drawn = new List<(string Section, PictureFile Picture)>();
        var skipped = new List<(string Picture, string Reason)>();

        void Draw(string section, string name, Func<string, PictureFile> draw)
        {
            Log?.WriteLine($"  drawing {name}");
            try
            {
                drawn.Add((section, draw(Path.Combine(pictures, name))));
            }
            catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException or ArithmeticException)
            {
                // One picture that cannot be drawn (libtorch refusing a NaN matrix, say) costs that picture, not the report.
                string reason = $"could not be drawn: {e.Message.Split('\n')[0].Trim()}";
                skipped.Add((name, reason));
                Warnings?.WriteLine($"warning: {name} {reason}");
            }
        }

        if (run.History is { Epochs.Count: > 0 } history)
        {
            Draw("Training", "training-curves.png", path => TrainingCurves.Save(history, path));
        }
        else
        {
            skipped.Add(("Training curves", "the run directory has no history.json with epochs."));
        }

        using TrainedAutoencoder trained = TrainedAutoencoder.Load(RunDirectory);
        Autoencoder model = trained.Model;
        (ImageLayout? layout, string? layoutProblem) = ResolveLayout(run, model);
        string noImages = $"the samples are not images ({layoutProblem}).";

        if (layout is ImageLayout filterLayout)
        {
            try
            {
                Draw("What the units learned", "filters.png", path => UnitPictures.SaveFilters(model, filterLayout, path, Options.MaxFilters));
            }
            catch (NotSupportedException e)
            {
                skipped.Add(("First-layer filters", e.Message));
            }
        }
        else
        {
            skipped.Add(("First-layer filters", noImages));
        }

        using var scope = torch.NewDisposeScope();
        long[] inputShape = model.Config.InputShape;
        Tensor? features = Test is null ? null : ModelInput(Test.Features, inputShape);
        Tensor? subset = null, subsetLabels = null, subsetCodes = null;
        if (features is not null)
        {
            Tensor chosen = ReconstructionGrid.Choose(features.shape[0], Options.MaxTestSamples, Options.Seed);
            subset = features.index_select(0, chosen);
            subsetLabels = Test!.Labels?.index_select(0, chosen);
            subsetCodes = ModelProbe.Encode(model, subset);
        }

        string noTest = "no test data was given (`ae report` reads it from the recipe or --test-images).";
        if (features is not null && layout is ImageLayout imageLayout)
        {
            Draw("Reconstructions", "reconstructions.png", path => ReconstructionGrid.Save(model, features, imageLayout, path, Options.ReconstructionCount, Options.Seed));
            if (run.Manifest.Objective.Corruption is { } corruption)
            {
                Draw("Reconstructions", "denoising.png", path => ReconstructionGrid.Save(model, features, imageLayout, path, Options.ReconstructionCount, Options.Seed, corruption));
            }
        }
        else
        {
            skipped.Add(("Reconstructions", features is null ? noTest : noImages));
        }

        if (subsetCodes is not null)
        {
            IReadOnlyList<string> classNames = run.Manifest.ClassNames ?? Test!.ClassNames;
            Draw("Latent space", "latent-space.png", path => LatentSpacePlot.Save(subsetCodes, subsetLabels, classNames, path, subset));
        }
        else
        {
            skipped.Add(("Latent space", noTest));
        }

        if (subset is not null && layout is ImageLayout unitLayout)
        {
            Draw("What the units learned", "top-activations.png", path => UnitPictures.SaveTopActivating(model, subset, unitLayout, path, Options.MaxUnits, Options.TopSamplesPerUnit));
            if (Options.MaximizationSteps > 0 && model is Models.VectorQuantized.VectorQuantizedAutoencoder)
            {
                // A quantised code is piecewise constant in the input: no gradient to ascend.
                skipped.Add(("What the units learned", "activation maximisation: a VQ-VAE's code is a codebook entry, constant between code boundaries, so it has no gradient to ascend."));
            }
            else if (Options.MaximizationSteps > 0)
            {
                var maximization = new ActivationMaximization { Steps = Options.MaximizationSteps, Seed = Options.Seed };
                Draw("What the units learned", "activation-maximization.png", path => maximization.Save(model, subset, unitLayout, path, Options.MaxUnits));
            }
        }
        else
        {
            skipped.Add(("Most activating samples and activation maximisation", subset is null ? noTest : noImages));
        }

        bool variational = ModelProbe.IsVariational(model, features ?? torch.zeros([1, .. inputShape]));
        long codeSize = model.Config.CodeShape.Aggregate(1L, (a, b) => a * b);
        LatentDistribution? fitted = null;
        try
        {
            fitted = variational ? LatentDistribution.StandardNormal(codeSize)
                : subsetCodes is not null ? LatentDistribution.FitToCodes(subsetCodes) : null;
        }
        catch (Exception e) when (e is ExternalException or ArgumentException or InvalidOperationException or ArithmeticException)
        {
            string reason = $"could not be drawn: the code distribution cannot be fitted ({e.Message.Split('\n')[0].Trim()})";
            skipped.Add(("Latent grid and samples", reason));
            Warnings?.WriteLine($"warning: latent grid and samples {reason}");
        }

        using LatentDistribution? distribution = fitted;
        if (distribution is not null && layout is ImageLayout generativeLayout)
        {
            Draw("Generative views", "latent-grid.png", path => GenerativeViews.SaveLatentGrid(model, distribution, generativeLayout, path, Options.GridSteps));
            Draw("Generative views", "samples.png", path => GenerativeViews.SaveSamples(model, distribution, generativeLayout, path, Options.SampleCount, Options.Seed));
        }
        else if (fitted is not null || variational || subsetCodes is null)
        {
            skipped.Add(("Latent grid and samples", layout is null ? noImages : "the model is not variational, so code ranges come from test codes, and " + noTest));
        }

        if (subset is not null && layout is ImageLayout interpolationLayout)
        {
            Draw("Generative views", "interpolations.png", path => GenerativeViews.SaveInterpolations(model, subset, interpolationLayout, path, Options.InterpolationPairs, Options.InterpolationSteps, Options.Seed));
        }
        else
        {
            skipped.Add(("Interpolations", subset is null ? noTest : noImages));
        }

        if (run.Manifest.Objective.Penalties.OfType<SparsityTargetPenalty>().FirstOrDefault() is { } sparsity)
        {
            Draw("Sparsity", "sparsity-penalty.png", path => SparsityPenaltyCurve.Save(sparsity.Target, path));
        }

        string reportPath = Path.Combine(RunDirectory, Persistence.RunDirectory.ReportFile);
        Log?.WriteLine($"  writing {reportPath}");
        AtomicFile.WriteAllText(reportPath, Html(run, trained, drawn, skipped));
        return new RunReport(reportPath, drawn.Select(d => d.Picture).ToList(), skipped);
    }

    /// <summary><paramref name="features"/> reshaped to [N, ...<paramref name="inputShape"/>], refusing data of another sample size.</summary>
    internal static Tensor ModelInput(Tensor features, long[] inputShape)
    {
        long size = inputShape.Aggregate(1L, (a, b) => a * b);
        long sample = features.shape[0] == 0 ? 0 : features.numel() / features.shape[0];
        if (sample != size)
        {
            throw new ArgumentException(
                $"The test data has {sample} values per sample, but the model takes inputs of shape [{string.Join(", ", inputShape)}] ({size} values); give the test set the model was trained for.");
        }

        return features.reshape([features.shape[0], .. inputShape]);
    }

    private (ImageLayout? Layout, string? Problem) ResolveLayout(RunSummary run, Autoencoder model)
    {
        if (Options.ImageLayout is ImageLayout given)
        {
            given.EnsureFits(model.Config.InputShape.Aggregate(1L, (a, b) => a * b), "The model's input");
            return (given, null);
        }

        IReadOnlyList<long> shape = run.Manifest.Data?.SampleShape is { Count: > 0 } fingerprint ? fingerprint
            : Test is not null ? Test.SampleShape
            : model.Config.InputShape;
        try
        {
            return (ImageLayout.Infer(shape), null);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message);
        }
    }

    private string Html(RunSummary run, TrainedAutoencoder trained, List<(string Section, PictureFile Picture)> drawn, List<(string Picture, string Reason)> skipped)
    {
        ModelManifest manifest = run.Manifest;
        var html = new HtmlDocument();
        html.Element("h1", run.Name);
        html.Element("p", $"Run directory {run.Directory} · model written {manifest.CreatedUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)} · AutoEncoders {manifest.LibraryVersion}", "class=\"meta\"");
        if (run.Recipe?.Description is { Length: > 0 } description)
        {
            html.Element("p", description);
        }

        string[] sections = SectionOrder.Where(s => drawn.Any(d => d.Section == s)).ToArray();
        html.Raw("<nav>" + string.Concat(LeadingSections.Concat(sections).Append("Configuration")
            .Select(s => $"<a href=\"#{Anchor(s)}\">{HtmlDocument.Escape(s)}</a>")) + "</nav>");

        html.Raw($"<h2 id=\"{Anchor("Summary")}\">Summary</h2>");
        html.Facts(SummaryFacts(run, trained));

        html.Raw($"<h2 id=\"{Anchor("Metrics")}\">Metrics</h2>");
        AppendMetrics(html, run);

        foreach (string section in sections)
        {
            html.Raw($"<h2 id=\"{Anchor(section)}\">{HtmlDocument.Escape(section)}</h2>");
            foreach ((string _, PictureFile picture) in drawn.Where(d => d.Section == section))
            {
                html.Figure(picture, Anchor(Path.GetFileNameWithoutExtension(picture.Path)));
            }
        }

        if (skipped.Count > 0)
        {
            html.Raw("<h2 id=\"not-drawn\">Not drawn</h2><div class=\"note\"><ul>" +
                string.Concat(skipped.Select(s => $"<li><b>{HtmlDocument.Escape(s.Picture)}</b>: {HtmlDocument.Escape(s.Reason)}</li>")) + "</ul></div>");
        }

        html.Raw($"<h2 id=\"{Anchor("Configuration")}\">Configuration</h2>");
        html.Details(TrainedAutoencoder.ManifestFile, File.ReadAllText(Path.Combine(run.Directory, TrainedAutoencoder.ManifestFile)), open: false);
        string recipePath = Path.Combine(run.Directory, Persistence.RunDirectory.RecipeFile);
        if (File.Exists(recipePath))
        {
            html.Details(Persistence.RunDirectory.RecipeFile, File.ReadAllText(recipePath));
        }

        html.Raw($"<footer>Written by ReportBuilder (AutoEncoders) on {DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}; rebuild with <code>ae report {HtmlDocument.Escape(run.Directory)}</code>. Seed {Options.Seed.ToString(CultureInfo.InvariantCulture)}.</footer>");
        return html.ToHtml($"{run.Name} · AutoEncoders run report");
    }

    private IEnumerable<(string, string)> SummaryFacts(RunSummary run, TrainedAutoencoder trained)
    {
        ModelManifest manifest = run.Manifest;
        ModelConfig config = manifest.Model;
        yield return ("Model", JsonSerializer.Serialize(config, JsonOptions.Compact));
        yield return ("Input → code", $"[{string.Join(", ", config.InputShape)}] → [{string.Join(", ", config.CodeShape)}]");
        yield return ("Parameters", trained.Model.ParameterCount.ToString("N0", CultureInfo.InvariantCulture));
        Objective objective = manifest.Objective;
        yield return ("Objective", string.Join(" + ", objective.Terms.Zip(objective.TermNames, (t, n) => t.Weight == 1 ? n : string.Create(CultureInfo.InvariantCulture, $"{t.Weight:0.#####} × {n}"))));
        if (objective.Corruption is { } corruption)
        {
            yield return ("Corruption (denoising)", JsonSerializer.Serialize(corruption, JsonOptions.Compact));
        }

        if (manifest.Training is TrainerOptions training)
        {
            yield return ("Training", string.Create(CultureInfo.InvariantCulture,
                $"{training.Epochs} epochs planned, batch size {training.BatchSize}, {training.Optimizer.Kind} with learning rate {training.Optimizer.LearningRate:0.######}, seed {training.Seed}, validation split {training.ValidationSplit:0.##}"));
        }

        if (run.History is TrainingHistory history)
        {
            yield return ("Epochs run", string.Create(CultureInfo.InvariantCulture,
                $"{history.Epochs.Count} in {history.Epochs.Sum(e => e.Seconds):0.#} s{(history.StopReason is null ? string.Empty : $"; stopped: {history.StopReason}")}{(history.Interrupted ? " (interrupted)" : string.Empty)}"));
        }

        if (manifest.Data is { } data)
        {
            yield return ("Training data", string.Create(CultureInfo.InvariantCulture, $"{data.Name}: {data.Count:N0} samples of shape [{string.Join(", ", data.SampleShape)}]{(data.Note is null ? string.Empty : $" ({data.Note})")}"));
            yield return ("Data fingerprint (SHA-256)", data.Sha256);
        }

        if (Test is not null)
        {
            yield return ("Test data", string.Create(CultureInfo.InvariantCulture, $"{(Test.Name.Length > 0 ? Test.Name : "test set")}: {Test.Count:N0} samples{(Test.Labels is null ? ", unlabelled" : $", {Test.ClassCount} classes")}"));
        }

        if (manifest.ClassNames is { Count: > 0 } names)
        {
            yield return ("Classes", string.Join(", ", names));
        }
    }

    private static void AppendMetrics(HtmlDocument html, RunSummary run)
    {
        EpochRecord? last = run.History?.Last;
        var names = new List<string>();
        foreach (string name in run.Metrics.Keys.Concat(last?.Train.Keys ?? []).Concat(last?.Validation?.Keys ?? []))
        {
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        if (names.Count == 0)
        {
            html.Element("p", "No metrics were recorded (no metrics.json and no training history).", "class=\"note\"");
            return;
        }

        if (names.Remove("loss"))
        {
            names.Insert(0, "loss");
        }

        string epoch = last is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (epoch {last.Epoch})");
        html.Table(
            ["metric", "test", $"train{epoch}", $"validation{epoch}"],
            names.Select(n => (IReadOnlyList<string>)
            [
                n,
                run.Metrics.TryGetValue(n, out double test) ? HtmlDocument.Number(test) : "–",
                last?.Train.TryGetValue(n, out double train) == true ? HtmlDocument.Number(train) : "–",
                last?.Validation?.TryGetValue(n, out double validation) == true ? HtmlDocument.Number(validation) : "–",
            ]));
    }

    private static string Anchor(string text) =>
        new(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
}

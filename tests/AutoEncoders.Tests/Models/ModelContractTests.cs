using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Adversarial;
using AutoEncoders.Models.Classification;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Tests.Models;

/// <summary>
/// The contract every model kind and every loss term must keep, after scikit-learn's <c>check_estimator</c>: the
/// configuration round-trips through JSON and matches the recipe schema, <c>Validate</c> names a bad field,
/// encode and decode shapes agree with the configuration, save and load reproduce the outputs bit for bit, a short
/// fit lowers the loss, and <c>summary</c> works. A new kind or variant joins by adding one line to
/// <see cref="Kinds"/>; a new loss term or corruption by one line to <see cref="Terms"/> or <see cref="Corruptions"/>
/// (the coverage tests fail until it does).
/// </summary>
public sealed class ModelContractTests
{
    /// <summary>One model variant: its config (JSON), its objective (JSON), and a bad value whose field Validate must name.</summary>
    /// <param name="DecodesCodesAlone">False where decoding needs the encoder's pass (max-unpooling reuses the pooling indices).</param>
    public sealed record KindCase(string Config, string Objective, string BadField, string BadValue, bool DecodesCodesAlone = true)
    {
        public ModelConfig Build() => JsonSerializer.Deserialize<ModelConfig>(Config, JsonDefaults.Options)!;

        public Objective BuildObjective() => JsonSerializer.Deserialize<Objective>(Objective, JsonDefaults.Options)!;
    }

    private const string Mse = """{ "reconstruction": { "kind": "mse" } }""";
    private const string Bce = """{ "reconstruction": { "kind": "bce" } }""";
    private const string Elbo = """{ "reconstruction": { "kind": "nll" }, "penalties": [ { "kind": "kl_divergence" } ] }""";
    private const string SmallConvEncoder = """[ { "type": "conv2d", "filters": 4, "kernelSize": 3, "padding": "same", "activation": "relu" }, { "type": "max_pool2d", "kernelSize": 2 } ]""";
    private const string SmallConvDecoder = """[ { "type": "upsample", "scaleFactor": 2 }, { "type": "conv2d", "filters": 1, "kernelSize": 3, "padding": "same", "activation": "sigmoid" } ]""";

    /// <summary>Every model kind and variant; one line each.</summary>
    public static readonly Dictionary<string, KindCase> Kinds = new()
    {
        ["dense"] = new("""{ "kind": "dense", "layers": [16, 8, 3] }""", Mse, "layers", "[16]"),
        ["dense-tied"] = new("""{ "kind": "dense", "layers": [16, 8, 3], "tiedWeights": true, "codeActivation": "sigmoid" }""", Bce, "dropout", "1.5"),
        ["dense-batchnorm-dropout"] = new("""{ "kind": "dense", "layers": [16, 8, 3], "batchNorm": true, "dropout": 0.1 }""", Mse, "encoderActivations", "[\"relu\"]"),
        ["dense-sparse-kl"] = new("""{ "kind": "dense", "layers": [16, 12], "codeActivation": "sigmoid" }""", """{ "reconstruction": { "kind": "mse" }, "penalties": [ { "kind": "kl_sparsity", "target": 0.05, "weight": 0.1, "runningMean": 0.9 } ] }""", "codeNoise", "-1"),
        ["dense-sparse-l1"] = new("""{ "kind": "dense", "layers": [16, 12] }""", """{ "reconstruction": { "kind": "mse" }, "penalties": [ { "kind": "l1_activity", "weight": 0.001 } ] }""", "layers", "[16, 0]"),
        ["dense-k-sparse"] = new("""{ "kind": "dense", "layers": [16, 12], "sparsity": { "kind": "k-sparse", "k": 3 } }""", Mse, "k", "0"),
        ["dense-winner-take-all"] = new("""{ "kind": "dense", "layers": [16, 12], "codeActivation": "relu", "sparsity": { "kind": "winner-take-all", "rate": 0.2 } }""", Mse, "rate", "2"),
        ["dense-contractive"] = new("""{ "kind": "dense", "layers": [16, 6], "codeActivation": "sigmoid" }""", """{ "reconstruction": { "kind": "mse" }, "penalties": [ { "kind": "contractive", "method": "exact", "weight": 0.01 } ] }""", "decoderActivations", "[\"relu\", \"relu\"]"),
        ["dense-denoising"] = new("""{ "kind": "dense", "layers": [16, 8, 3] }""", """{ "reconstruction": { "kind": "mse" }, "corruption": { "kind": "masking", "fraction": 0.25 } }""", "layers", "[16]"),
        ["convolutional"] = new($$"""{ "kind": "convolutional", "channels": 1, "height": 8, "width": 8, "encoder": {{SmallConvEncoder}}, "decoder": {{SmallConvDecoder}} }""", Bce, "channels", "0"),
        ["convolutional-strided"] = new("""{ "kind": "convolutional", "channels": 1, "height": 8, "width": 8, "encoder": [ { "type": "conv2d", "filters": 4, "kernelSize": 3, "stride": 2, "padding": 1, "activation": "relu" } ], "decoder": [ { "type": "conv_transpose2d", "filters": 1, "kernelSize": 3, "stride": 2, "padding": 1, "outputPadding": 1, "activation": "sigmoid" } ] }""", Mse, "height", "-2"),
        ["convolutional-unpool"] = new("""{ "kind": "convolutional", "channels": 1, "height": 8, "width": 8, "encoder": [ { "type": "conv2d", "filters": 4, "kernelSize": 3, "padding": "same", "activation": "relu" }, { "type": "max_pool2d", "name": "pool1", "kernelSize": 2 } ], "decoder": [ { "type": "max_unpool2d", "name": "unpool1", "pool": "pool1" }, { "type": "conv2d", "filters": 1, "kernelSize": 3, "padding": "same", "activation": "sigmoid" } ] }""", Mse, "width", "0", DecodesCodesAlone: false),
        ["convolutional-stacked"] = new(StackedConvolutional(), Bce, "encoder", "[]"),
        ["sequence-lstm"] = new("""{ "kind": "sequence", "sequenceLength": 6, "features": 2, "cell": "lstm", "hiddenSize": 8 }""", Mse, "hiddenSize", "0"),
        ["sequence-gru-bottleneck"] = new("""{ "kind": "sequence", "sequenceLength": 6, "features": 1, "cell": "gru", "hiddenSize": 8, "bidirectional": true, "codeSize": 3 }""", Mse, "sequenceLength", "0"),
        ["vae"] = new("""{ "kind": "vae", "layers": [16, 8, 2] }""", Elbo, "outputActivation", "\"relu\""),
        ["vae-gaussian"] = new("""{ "kind": "vae", "layers": [16, 8, 2], "likelihood": "gaussian", "outputActivation": "linear", "learnVariance": true }""", Elbo, "variance", "-1"),
        ["vae-vampprior"] = new("""{ "kind": "vae", "layers": [16, 8, 2], "vampPrior": { "components": 3, "pseudoInputActivation": "sigmoid" } }""", Elbo, "components", "0"),
        ["vae-vampprior-iwae"] = new("""{ "kind": "vae", "layers": [16, 8, 2], "vampPrior": { "components": 4 } }""", """{ "reconstruction": { "kind": "iwae", "samples": 3 } }""", "initialStd", "-1"),
        ["vae-iwae"] = new("""{ "kind": "vae", "layers": [16, 8, 2] }""", """{ "reconstruction": { "kind": "iwae", "samples": 5 } }""", "layers", "[16, 8, 0]"),
        ["vae-beta-tcvae"] = new("""{ "kind": "vae", "layers": [16, 8, 2] }""", """{ "reconstruction": { "kind": "nll" }, "penalties": [ { "kind": "beta_tcvae", "beta": 4, "datasetSize": 64 } ] }""", "variance", "0"),
        ["conv_vae"] = new($$"""{ "kind": "conv_vae", "channels": 1, "height": 8, "width": 8, "encoder": {{SmallConvEncoder}}, "latentSize": 2, "decoderInput": [4, 4, 4], "decoder": {{SmallConvDecoder}} }""", Elbo, "latentSize", "0"),
        ["adversarial"] = new("""{ "kind": "adversarial", "layers": [16, 8, 2], "discriminatorLayers": [8], "prior": { "kind": "gaussian" } }""", Mse, "adversarialLearningRateFactor", "0"),
        ["adversarial-mixture"] = new("""{ "kind": "adversarial", "layers": [16, 8, 2], "discriminatorLayers": [8], "prior": { "kind": "mixture", "components": 3 } }""", Mse, "discriminatorLayers", "[0]"),
        ["wae"] = new("""{ "kind": "wae", "layers": [16, 8, 2], "priorStd": 1.5 }""", """{ "reconstruction": { "kind": "mse", "reduction": "sum_per_example" }, "penalties": [ { "kind": "mmd", "weight": 10 } ] }""", "priorStd", "0"),
        ["cvae"] = new("""{ "kind": "cvae", "layers": [16, 8, 2], "classes": 3 }""", """{ "reconstruction": { "kind": "nll" }, "penalties": [ { "kind": "info_vae", "alpha": 0.5, "lambda": 10 } ] }""", "classes", "1"),
        ["vqvae"] = new("""{ "kind": "vqvae", "layers": [16, 8], "codeVectors": 2, "embeddingSize": 3, "codebookSize": 4 }""", Mse, "codebookSize", "0"),
        ["vqvae-codebook-loss"] = new("""{ "kind": "vqvae", "layers": [16, 8], "codeVectors": 2, "embeddingSize": 3, "codebookSize": 4, "codebookUpdate": "loss" }""", Bce, "decay", "1"),
        ["aae_semisupervised"] = new("""{ "kind": "aae_semisupervised", "layers": [16, 8], "classes": 3, "styleSize": 2, "discriminatorLayers": [8], "labelledExamples": 9 }""", Mse, "classes", "1"),
    };

    /// <summary>Every loss term: its JSON and the model kind (from <see cref="Kinds"/>) it is computed on; one line each.</summary>
    public static readonly Dictionary<string, (string Term, string Kind)> Terms = new()
    {
        ["mse"] = ("""{ "kind": "mse" }""", "dense"),
        ["mse-sum"] = ("""{ "kind": "mse", "reduction": "sum_per_example" }""", "dense"),
        ["bce"] = ("""{ "kind": "bce" }""", "dense"),
        ["l1_activity"] = ("""{ "kind": "l1_activity", "layers": [-1] }""", "dense"),
        ["kl_sparsity"] = ("""{ "kind": "kl_sparsity", "target": 0.05, "runningMean": 0.9 }""", "dense-sparse-kl"),
        ["squared_sparsity"] = ("""{ "kind": "squared_sparsity", "target": 0.05 }""", "dense-sparse-kl"),
        ["contractive-exact"] = ("""{ "kind": "contractive", "method": "exact" }""", "dense-contractive"),
        ["contractive-closed-form"] = ("""{ "kind": "contractive", "method": "closed_form" }""", "dense-contractive"),
        ["contractive-estimate"] = ("""{ "kind": "contractive", "method": "estimate", "projections": 2 }""", "dense-contractive"),
        ["kl_divergence"] = ("""{ "kind": "kl_divergence" }""", "vae"),
        ["nll"] = ("""{ "kind": "nll" }""", "vae"),
        ["mmd"] = ("""{ "kind": "mmd", "kernel": "gaussian", "scales": [0.5, 1, 2] }""", "wae"),
        ["info_vae"] = ("""{ "kind": "info_vae", "alpha": 0, "lambda": 1.1 }""", "cvae"),
        ["iwae"] = ("""{ "kind": "iwae", "samples": 3 }""", "vae"),
        ["iwae-one-sample"] = ("""{ "kind": "iwae", "samples": 1 }""", "vae-gaussian"),
        ["iwae-vampprior"] = ("""{ "kind": "iwae", "samples": 2 }""", "vae-vampprior"),
        ["beta_tcvae"] = ("""{ "kind": "beta_tcvae", "beta": 4, "datasetSize": 1000 }""", "vae"),
        ["beta_tcvae-stratified"] = ("""{ "kind": "beta_tcvae", "alpha": 0.5, "beta": 6, "gamma": 2, "datasetSize": 1000, "sampling": "minibatch_stratified" }""", "vae"),
    };

    /// <summary>Every corruption; one line each.</summary>
    public static readonly Dictionary<string, string> Corruptions = new()
    {
        ["gaussian"] = """{ "kind": "gaussian", "factor": 0.3 }""",
        ["masking"] = """{ "kind": "masking", "fraction": 0.3 }""",
        ["salt_and_pepper"] = """{ "kind": "salt_and_pepper", "fraction": 0.3 }""",
    };

    public static TheoryData<string> KindNames => [.. Kinds.Keys];

    public static TheoryData<string> TermNames => [.. Terms.Keys];

    public static TheoryData<string> CorruptionNames => [.. Corruptions.Keys];

    [Fact]
    public void Every_kind_loss_term_and_corruption_has_a_case()
    {
        Assert.Empty(Discriminators(typeof(ModelConfig)).Except(Kinds.Values.Select(c => Kind(c.Config))));
        Assert.Empty(Discriminators(typeof(LossTerm)).Except(Terms.Values.Select(t => Kind(t.Term))));
        Assert.Empty(Discriminators(typeof(Corruption)).Except(Corruptions.Values.Select(Kind)));
        Assert.Empty(Discriminators(typeof(AutoEncoders.Models.Sparsity.CodeSparsity)).Except(Kinds.Values.Select(c => JsonNode.Parse(c.Config)!["sparsity"]?["kind"]?.GetValue<string>()).OfType<string>()));
        Assert.Empty(Enum.GetValues<JacobianMethod>().Select(m => JsonNamingPolicy.SnakeCaseLower.ConvertName(m.ToString())).Except(Terms.Values.Select(t => JsonNode.Parse(t.Term)!["method"]?.GetValue<string>()).OfType<string>()));
        Assert.Empty(Enum.GetValues<AdversarialPriorKind>().Select(m => JsonNamingPolicy.SnakeCaseLower.ConvertName(m.ToString())).Except(Kinds.Values.Select(c => JsonNode.Parse(c.Config)!["prior"]?["kind"]?.GetValue<string>()).OfType<string>()));
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void The_config_round_trips_through_json_and_matches_the_recipe_schema(string name)
    {
        KindCase kind = Kinds[name];
        ModelConfig config = kind.Build();
        string json = JsonSerializer.Serialize(config, JsonDefaults.Options);
        ModelConfig again = JsonSerializer.Deserialize<ModelConfig>(json, JsonDefaults.Options)!;

        Assert.Equal(config.GetType(), again.GetType());
        Assert.Equal(json, JsonSerializer.Serialize(again, JsonDefaults.Options));
        Assert.Equal(config.InputShape, again.InputShape);
        Assert.Equal(config.CodeShape, again.CodeShape);
        string recipe = $$"""{ "model": {{json}}, "objective": {{kind.Objective}} }""";
        Assert.Empty(RecipeSchema.Training.Problems(recipe));
        Recipe parsed = Recipe.Parse(recipe, name);
        Assert.Equal(json, JsonSerializer.Serialize(parsed.Model, JsonDefaults.Options));
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void Validate_accepts_the_case_and_names_the_bad_field(string name)
    {
        KindCase kind = Kinds[name];
        kind.Build().Validate();

        // Every field written out, defaults included, so that any of them can be broken.
        JsonObject bad = JsonSerializer.SerializeToNode(kind.Build(), JsonDefaults.Options)!.AsObject();
        // A field left null is not written; it then belongs to the model section itself.
        JsonObject holder = FindHolder(bad, kind.BadField) ?? bad;
        holder[kind.BadField] = JsonNode.Parse(kind.BadValue);
        ModelConfig broken = JsonSerializer.Deserialize<ModelConfig>(bad.ToJsonString(), JsonDefaults.Options)!;

        var e = Assert.ThrowsAny<ArgumentException>(broken.Validate);
        Assert.Contains(kind.BadField, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void Encode_and_decode_shapes_agree_with_the_config(string name)
    {
        KindCase kind = Kinds[name];
        ModelConfig config = kind.Build();
        using var scope = NewDisposeScope();
        using Autoencoder model = Seeded(config);
        model.eval();
        Tensor x = Inputs(config, 5);
        using (no_grad())
        {
            Tensor code = model.Encode(x);
            Assert.Equal([5, .. config.CodeShape], code.shape);
            if (kind.DecodesCodesAlone)
            {
                Assert.Equal([5, .. config.InputShape], model.Decode(code).shape);
            }
            else
            {
                Assert.Contains("forward pass", Assert.Throws<InvalidOperationException>(() => model.Decode(code)).Message, StringComparison.Ordinal);
            }

            Assert.Equal([5, .. config.InputShape], model.Reconstruct(x).shape);
            AutoencoderOutput output = model.call(x);
            Assert.Equal(x.shape, output.Reconstruction.shape);
            Assert.Equal([5, .. config.CodeShape], output.Code.shape);
        }

        Assert.Same(config.GetType(), model.Config.GetType());
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void Save_and_load_reproduce_the_outputs_bit_for_bit(string name)
    {
        KindCase kind = Kinds[name];
        ModelConfig config = kind.Build();
        using var folder = new TempDirectory();
        using var scope = NewDisposeScope();
        using Autoencoder model = Seeded(config);
        Tensor x = Inputs(config, 6);

        // A step of training first, so that running statistics and learned variances differ from their start.
        Fit(model, kind.BuildObjective(), x, epochs: 1);
        model.eval();
        var trained = new TrainedAutoencoder(model, new ModelManifest { Model = config, Objective = kind.BuildObjective() });
        trained.Save(folder.Path);
        using TrainedAutoencoder loaded = TrainedAutoencoder.Load(folder.Path);

        Assert.Equal(JsonSerializer.Serialize(config, JsonDefaults.Options), JsonSerializer.Serialize(loaded.Model.Config, JsonDefaults.Options));
        Assert.Equal(model.ParameterCount, loaded.Model.ParameterCount);
        Assert.True(Same(trained.Encode(x), loaded.Encode(x)), $"{name}: codes differ after load");
        Assert.True(Same(trained.Reconstruct(x), loaded.Reconstruct(x)), $"{name}: reconstructions differ after load");
        foreach ((string key, Tensor value) in model.state_dict())
        {
            Assert.True(Same(value, loaded.Model.state_dict()[key]), $"{name}: {key} differs after load");
        }
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void A_short_fit_lowers_the_loss(string name)
    {
        KindCase kind = Kinds[name];
        ModelConfig config = kind.Build();
        using var scope = NewDisposeScope();
        using Autoencoder model = Seeded(config);
        Tensor x = Inputs(config, 64);

        (double before, double after) = Fit(model, kind.BuildObjective(), x, epochs: 8);

        Assert.True(double.IsFinite(after), $"{name}: loss {after}");
        Assert.True(after < before, $"{name}: the loss went from {before} to {after}");
    }

    [Theory]
    [MemberData(nameof(KindNames))]
    public void Summary_lists_the_layers_and_counts_every_parameter(string name)
    {
        ModelConfig config = Kinds[name].Build();
        using Autoencoder model = Seeded(config);
        ModelSummary summary = ModelSummary.Of(model);

        Assert.Equal(model.ParameterCount, summary.TotalParameters);
        Assert.NotEmpty(summary.Rows);
        string text = summary.Format();
        Assert.Contains(summary.ModelName, text, StringComparison.Ordinal);
        Assert.Contains(model.ParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TermNames))]
    public void A_loss_term_round_trips_is_a_finite_scalar_reaching_the_weights_and_scales_with_its_weight(string name)
    {
        (string termJson, string kindName) = Terms[name];
        LossTerm term = JsonSerializer.Deserialize<LossTerm>(termJson, JsonDefaults.Options)!;
        string json = JsonSerializer.Serialize(term, JsonDefaults.Options);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<LossTerm>(json, JsonDefaults.Options), JsonDefaults.Options));
        Assert.Empty(RecipeSchema.Training.Problems($$"""{ "model": {{Kinds[kindName].Config}}, "objective": { "reconstruction": {{json}} } }"""));

        ModelConfig config = Kinds[kindName].Build();
        using var scope = NewDisposeScope();
        using Autoencoder model = Seeded(config);
        model.train();
        Tensor x = Inputs(config, 8);
        Tensor input = term.NeedsInputGradient ? x.detach().requires_grad_(true) : x;
        LossContext context = Context(model, x, input);

        Tensor value = term.Compute(context);
        Assert.Empty(value.shape);
        double v = value.item<float>();
        Assert.True(double.IsFinite(v) && v >= 0, $"{name}: {v}");
        value.backward();
        Assert.Contains(model.parameters(), p => p.grad is Tensor g && g.abs().sum().item<float>() > 0);

        // Weight w in the objective multiplies the term (computed in evaluation mode, so no state moves).
        JsonObject weighted = JsonNode.Parse(json)!.AsObject();
        weighted["weight"] = 2.5;
        var objective = new Objective { Reconstruction = JsonSerializer.Deserialize<LossTerm>(weighted.ToJsonString(), JsonDefaults.Options)! };
        objective.Validate();
        LossContext evaluation = Context(model, x, term.NeedsInputGradient ? x.detach().requires_grad_(true) : x, training: false);
        // Seeded alike, so that the contractive estimate draws the same random projections both times.
        manual_seed(3);
        double plain = term.Compute(evaluation).item<float>();
        manual_seed(3);
        double total = objective.Compute(evaluation).Total.item<float>();
        Assert.Equal(2.5 * plain, total, 2.5 * plain * 1e-5 + 1e-6);

        // A negative weight is refused naming the term.
        weighted["weight"] = -1;
        var refused = new Objective { Reconstruction = JsonSerializer.Deserialize<LossTerm>(weighted.ToJsonString(), JsonDefaults.Options)! };
        Assert.Contains(term.Name, Assert.Throws<ArgumentException>(refused.Validate).Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TermNames))]
    public void A_loss_terms_state_survives_save_and_load(string name)
    {
        (string termJson, string kindName) = Terms[name];
        ModelConfig config = Kinds[kindName].Build();
        using var scope = NewDisposeScope();
        using Autoencoder model = Seeded(config);
        Tensor x = Inputs(config, 8);
        LossTerm term = JsonSerializer.Deserialize<LossTerm>(termJson, JsonDefaults.Options)!;
        LossTerm fresh = JsonSerializer.Deserialize<LossTerm>(termJson, JsonDefaults.Options)!;
        LossTerm forgetful = JsonSerializer.Deserialize<LossTerm>(termJson, JsonDefaults.Options)!;

        // Training steps on other data (1 - x) move any running state away from what x alone gives.
        Tensor other = 1 - x;
        term.Compute(Context(model, other, term.NeedsInputGradient ? other.detach().requires_grad_(true) : other));
        fresh.LoadState(term.SaveState());
        LossContext evaluation = Context(model, x, term.NeedsInputGradient ? x.detach().requires_grad_(true) : x, training: false);
        manual_seed(3);
        double original = term.Compute(evaluation).item<float>();
        manual_seed(3);
        Assert.Equal(original, fresh.Compute(evaluation).item<float>());
        if (term.SaveState().Count > 0)
        {
            // The state matters: without it the same evaluation gives another value.
            manual_seed(3);
            Assert.NotEqual(original, forgetful.Compute(evaluation).item<float>());
        }

        Assert.Equal(term.SaveState().Keys.Order(), fresh.SaveState().Keys.Order());

        // A running-mean penalty is stateful; were its state lost, the check above would pass vacuously.
        Assert.Equal(JsonNode.Parse(termJson)!["runningMean"] is not null, term.SaveState().Count > 0);
    }

    [Theory]
    [MemberData(nameof(CorruptionNames))]
    public void A_corruption_round_trips_keeps_the_shape_changes_values_and_follows_its_generator(string name)
    {
        Corruption corruption = JsonSerializer.Deserialize<Corruption>(Corruptions[name], JsonDefaults.Options)!;
        corruption.Validate();
        string json = JsonSerializer.Serialize(corruption, JsonDefaults.Options);
        Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize<Corruption>(json, JsonDefaults.Options), JsonDefaults.Options));

        using var scope = NewDisposeScope();
        Tensor x = full(new long[] { 4, 50 }, 0.5f);
        Tensor a = corruption.Apply(x, new Generator(7));
        Tensor b = corruption.Apply(x, new Generator(7));
        Assert.Equal(x.shape, a.shape);
        Assert.True(Same(a, b), $"{name}: the same seed gave different corruptions");
        double changed = a.ne(x).to_type(ScalarType.Float32).mean().item<float>();
        Assert.InRange(changed, 0.1, 1.0);
    }

    [Fact]
    public void The_encoder_classifier_keeps_the_contract_that_applies_to_it()
    {
        const string json = """{ "layers": [16, 8, 4], "activation": "sigmoid", "classes": 3 }""";
        EncoderClassifierConfig config = JsonSerializer.Deserialize<EncoderClassifierConfig>(json, JsonDefaults.Options)!;
        string written = JsonSerializer.Serialize(config, JsonDefaults.Options);
        Assert.Equal(written, JsonSerializer.Serialize(JsonSerializer.Deserialize<EncoderClassifierConfig>(written, JsonDefaults.Options), JsonDefaults.Options));
        config.Validate();
        Assert.Contains("classes", Assert.Throws<ArgumentException>((config with { Classes = 1 }).Validate).Message, StringComparison.Ordinal);
        Assert.Contains("dropout", Assert.Throws<ArgumentException>((config with { Dropout = 1 }).Validate).Message, StringComparison.Ordinal);

        using var folder = new TempDirectory();
        using var scope = NewDisposeScope();
        manual_seed(3);
        using EncoderClassifier model = config.Build();
        Tensor x = Inputs(new AutoEncoders.Models.Dense.DenseAutoencoderConfig { Layers = [16, 2] }, 60);
        Tensor labels = x[.., ..3].argmax(1);
        Assert.Equal([60, 3], model.call(x).shape);
        Assert.Equal([60, 4], model.Features(x).shape);

        using var data = new TensorDataset(x, labels, ["a", "b", "c"]);
        var trainer = new ClassifierTrainer(model, new ClassifierTrainerOptions { Epochs = 15, BatchSize = 20, Seed = 1 });
        double before = trainer.Evaluate(data).Metrics["loss"];
        trainer.Fit(data);
        double after = trainer.Evaluate(data).Metrics["loss"];
        Assert.True(after < before, $"classifier loss went from {before} to {after}");

        string weights = folder.File("classifier.bin");
        model.eval();
        model.save(weights);
        using EncoderClassifier loaded = config.Build();
        loaded.load(weights);
        loaded.eval();
        using (no_grad())
        {
            Assert.True(Same(model.call(x), loaded.call(x)), "classifier outputs differ after load");
        }
    }

    private static (double Before, double After) Fit(Autoencoder model, Objective objective, Tensor x, int epochs)
    {
        using var data = new TensorDataset(x.detach().clone());
        var options = new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = 16,
            Seed = 1,
            Progress = ProgressMode.Silent,
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-2 },
        };
        using Trainer trainer = new Trainer(model, objective, options);
        // The training loss per epoch: evaluation can differ from training by design (winner-take-all sparsity and
        // dropout act only while training), so the fit is judged by what it minimised.
        IReadOnlyList<double> losses = trainer.Fit(data).Series("loss");
        return (losses[0], losses[^1]);
    }

    // Bit for bit: same shape and every element equal (Tensor.equal is element-wise in TorchSharp).
    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.equal(b).all().item<bool>();

    private static LossContext Context(Autoencoder model, Tensor target, Tensor input, bool training = true)
    {
        if (training)
        {
            model.train();
        }
        else
        {
            model.eval();
        }

        return new LossContext { Model = model, Target = target, Input = input, Output = model.call(input), Training = training };
    }

    private static Autoencoder Seeded(ModelConfig config)
    {
        manual_seed(11);
        return config.Build();
    }

    /// <summary>
    /// Data a model can learn: a random 2-D latent through a fixed random map and a sigmoid, in [0, 1], shaped as the
    /// config's input (seeded, so every run sees the same numbers).
    /// </summary>
    private static Tensor Inputs(ModelConfig config, long count)
    {
        var generator = new Generator(5);
        long size = config.InputShape.Aggregate(1L, (a, b) => a * b);
        Tensor latent = randn(new long[] { count, 2 }, generator: generator);
        Tensor map = randn(new long[] { 2, size }, generator: generator) * 2;
        return sigmoid(latent.matmul(map)).reshape([count, .. config.InputShape]);
    }

    private static JsonObject? FindHolder(JsonObject node, string field)
    {
        if (node.ContainsKey(field))
        {
            return node;
        }

        foreach ((string _, JsonNode? child) in node)
        {
            if (child is JsonObject o && FindHolder(o, field) is JsonObject found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Kind(string json) => JsonNode.Parse(json)!["kind"]!.GetValue<string>();

    private static IEnumerable<string> Discriminators(Type baseType) =>
        baseType.GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => (string)a.TypeDiscriminator!);

    private static string StackedConvolutional()
    {
        // The deep model of a two-stage stacked convolutional autoencoder (Masci et al., 2011), as `ae pretrain` makes it.
        var stack = new AutoEncoders.Models.Convolutional.ConvolutionalStackSpec
        {
            Channels = 1,
            Height = 8,
            Width = 8,
            Stages =
            [
                JsonSerializer.Deserialize<AutoEncoders.Models.Convolutional.ConvolutionalStage>($$"""{ "name": "pixels", "encoder": {{SmallConvEncoder}}, "decoder": {{SmallConvDecoder}} }""", JsonDefaults.Options)!,
                JsonSerializer.Deserialize<AutoEncoders.Models.Convolutional.ConvolutionalStage>("""{ "name": "features", "encoder": [ { "type": "conv2d", "filters": 2, "kernelSize": 3, "padding": "same", "activation": "relu" }, { "type": "max_pool2d", "kernelSize": 2 } ], "decoder": [ { "type": "upsample", "scaleFactor": 2 }, { "type": "conv2d", "filters": 4, "kernelSize": 3, "padding": "same", "activation": "relu" } ] }""", JsonDefaults.Options)!,
            ],
        };
        stack.Validate();
        return JsonSerializer.Serialize<ModelConfig>(stack.DeepConfig(), JsonDefaults.Options);
    }
}

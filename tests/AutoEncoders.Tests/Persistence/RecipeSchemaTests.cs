using System.Text.Json;
using System.Text.Json.Nodes;
using AutoEncoders.Persistence;
using AutoEncoders.Tests.Cli;
using AutoEncoders.Tests.Packaging;
using AutoEncoders.Training;
using AutoEncoders.Training.Pretraining;

namespace AutoEncoders.Tests.Persistence;

/// <summary>
/// The recipe JSON Schemas (recipes/recipe.schema.json, recipes/pretraining/pretraining-recipe.schema.json): every
/// recipe in the repository conforms, bad ones are refused naming the field, and the files match the records.
/// </summary>
public sealed class RecipeSchemaTests
{
    private static readonly string Root = RepositoryFolder.Root;

    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Every .json/.yaml file under recipes/ and experiments/ that is a training recipe (a "model") or a pretraining one.</summary>
    private static (List<string> Training, List<string> Pretraining) RepositoryRecipes()
    {
        var training = new List<string>();
        var pretraining = new List<string>();
        foreach (string folder in new[] { "recipes", "experiments" })
        {
            foreach (string file in RepositoryFiles(folder))
            {
                if (file.EndsWith(".schema.json", StringComparison.Ordinal) || Path.GetExtension(file) is not (".json" or ".yaml" or ".yml"))
                {
                    continue;
                }

                JsonNode? node = JsonNode.Parse(JsonFile.ReadJsonOrYaml(file, "recipe"), documentOptions: Lenient);
                if (node is JsonObject o && o.ContainsKey("model"))
                {
                    training.Add(file);
                }
                else if (node is JsonObject p && p.ContainsKey("pretraining"))
                {
                    pretraining.Add(file);
                }
            }
        }

        return (training, pretraining);
    }

    /// <summary>
    /// The files git tracks under a folder, so that ignored local runs (screens, checkpoints with their own recipe
    /// copies) are not judged; every file when the tree is not a git checkout.
    /// </summary>
    private static IEnumerable<string> RepositoryFiles(string folder)
    {
        try
        {
            var git = new System.Diagnostics.ProcessStartInfo("git", ["-C", Root, "ls-files", "-z", "--", folder])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = System.Diagnostics.Process.Start(git)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode == 0 && output.Length > 0)
            {
                return output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
                    .Select(relative => Path.Combine(Root, relative))
                    .Where(File.Exists)
                    .Order(StringComparer.Ordinal)
                    .ToList();
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git on this machine: judge every file.
        }

        return Directory.EnumerateFiles(Path.Combine(Root, folder), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
    }

    [Fact]
    public void Every_recipe_in_the_repository_conforms_and_loads()
    {
        (List<string> training, List<string> pretraining) = RepositoryRecipes();

        // recipes/ alone holds 16 training recipes and 2 pretraining ones; experiments/ adds its own.
        Assert.True(training.Count >= 18, $"found only {training.Count} training recipes: {string.Join(", ", training)}");
        Assert.True(pretraining.Count >= 2, $"found only {pretraining.Count} pretraining recipes");
        foreach (string file in training)
        {
            string json = JsonFile.ReadJsonOrYaml(file, "recipe");
            Assert.True(RecipeSchema.Training.Problems(json).Count == 0, $"{file}: {string.Join("; ", RecipeSchema.Training.Problems(json))}");
            Recipe recipe = Recipe.Load(file);

            // What `ae train` saves in a run directory conforms too, so a run can be resumed.
            Assert.Empty(RecipeSchema.Training.Problems(recipe.ToJson()));
        }

        foreach (string file in pretraining)
        {
            Assert.Empty(RecipeSchema.Pretraining.Problems(JsonFile.ReadJsonOrYaml(file, "recipe")));
            PretrainingRecipe.Load(file);
        }
    }

    [Theory]
    [InlineData("""{ "model": { "kind": "dense", "layers": [784, "x", 32] } }""", "model.layers[1]: expected an integer, found the string \"x\"")]
    [InlineData("""{ "model": { "kind": "dense", "layers": [784, 32] }, "training": { "earlyStopping": { "patience": 3, "patiance": 4 } } }""", "training.earlyStopping.patiance: unknown field \"patiance\"; expected one of patience, minDelta, restoreBestWeights")]
    [InlineData("""{ "model": { "kind": "densse", "layers": [784, 32] } }""", "model.kind: expected one of \"dense\", \"convolutional\", \"sequence\", \"vae\", \"conv_vae\", \"adversarial\", \"wae\", \"cvae\", \"vqvae\", \"aae_semisupervised\"; found \"densse\"")]
    [InlineData("""{ "model": { "kind": "dense", "layers": [784, 32] }, "training": { "schedule": { "kind": "step", "stepSize": "five" } } }""", "training.schedule.stepSize: expected an integer, found the string \"five\"")]
    [InlineData("""{ "modl": { "kind": "dense", "layers": [784, 32] } }""", "modl: unknown field \"modl\"; expected one of name, description, model, objective, training, data")]
    [InlineData("""{ "model": { "kind": "dense", "layers": [784, 32], "activation": "relux" } }""", "model.activation: expected one of \"linear\", \"relu\", \"tanh\", \"sigmoid\", \"leaky_relu\", \"elu\"; found \"relux\"")]
    [InlineData("""{ "model": { "kind": "dense", "layers": [784, 32], "sparsity": { "kind": "k-sparse", "k": 2.5 } } }""", "model.sparsity.k: expected an integer, found the number 2.5")]
    [InlineData("""{ "model": { "kind": "dense", "layers": [784, 32] }, "objective": { "corruption": { "kind": "masking", "fraction": "a lot" } } }""", "objective.corruption.fraction: expected a number, found the string \"a lot\"")]
    [InlineData("""{ "training": { "epochs": 1 } }""", "(document): missing field \"model\"")]
    public void A_bad_recipe_is_refused_naming_the_field(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => Recipe.Parse(json, "bad.json"));
        Assert.Equal($"bad.json: {expected}", e.Message);
    }

    [Fact]
    public void Ae_refuses_a_bad_recipe_file_in_one_line_before_training()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "typo.yaml");
        File.WriteAllText(path, "model:\n  kind: dense\n  layers: [784, 32]\ntraining:\n  epochs: 1\n  earlyStopping:\n    patience: 2\n    restoreBest: true\n");
        CliRun run = CliRun.Of("train", "--recipe", path, "--out", folder.Path);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {path}: training.earlyStopping.restoreBest: unknown field \"restoreBest\"; expected one of patience, minDelta, restoreBestWeights", run.Error.Trim());
        Assert.Single(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void A_bad_pretraining_recipe_is_refused_naming_the_field()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "bad.json");
        File.WriteAllText(path, """{ "pretraining": { "layers": [784, 500], "mode": "greedy" } }""");
        var e = Assert.Throws<InvalidDataException>(() => PretrainingRecipe.Load(path));
        Assert.StartsWith($"{path}: pretraining.mode: expected one of ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("found \"greedy\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("recipe-schema", "recipes/recipe.schema.json")]
    [InlineData("pretraining-schema", "recipes/pretraining/pretraining-recipe.schema.json")]
    public void The_schema_files_match_the_records(string command, string file)
    {
        CliRun run = CliRun.Of("docs", command);
        Assert.Equal(0, run.ExitCode);
        string committed = File.ReadAllText(Path.Combine(Root, file));
        Assert.True(committed == run.Output, $"{file} is stale: the recipe records changed. Refresh it with `dotnet src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll docs {command} > {file}` after a Release build.");
    }

    [Theory]
    [InlineData("/properties/training/properties/earlyStopping/properties/patience", "integer")]
    [InlineData("/properties/training/properties/epochs", "integer")]
    [InlineData("/properties/training/properties/optimizer/properties/learningRate", "number")]
    public void The_schema_types_the_fields_as_the_records_do(string location, string type)
    {
        JsonNode schema = JsonNode.Parse(RecipeSchema.Training.Text)!;
        JsonNode? node = schema;
        foreach (string segment in location.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node![segment];
        }

        Assert.NotNull(node);
        Assert.Contains(type, node!["type"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(node["description"]?.GetValue<string>()), $"{location} has no description");
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Persistence;

namespace AutoEncoders.Training;

/// <summary>
/// A complete experiment in one file (JSON or YAML): the model, the objective, the training settings and the
/// data. `ae train --recipe FILE` runs it; a copy is saved in every run directory so a run can be repeated or resumed.
/// </summary>
public sealed record Recipe
{
    /// <summary>Short name, used for run directories.</summary>
    public string? Name { get; init; }

    /// <summary>What the recipe reproduces and from which paper or tutorial.</summary>
    public string? Description { get; init; }

    /// <summary>The architecture.</summary>
    public required ModelConfig Model { get; init; }

    /// <summary>What is minimised.</summary>
    public Objective Objective { get; init; } = new();

    /// <summary>Trainer settings.</summary>
    public TrainerOptions Training { get; init; } = new();

    /// <summary>The data.</summary>
    public DataSource Data { get; init; } = new();

    /// <summary>Reads a recipe from a .json, .yaml or .yml file, with errors that name the file, line and field.</summary>
    public static Recipe Load(string path) => Parse(JsonFile.ReadJsonOrYaml(path, "recipe"), path);

    /// <summary>Parses recipe JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed, does not match recipes/recipe.schema.json (unknown field, wrong type), or a section is invalid; the message reads `SOURCE: WHERE: WHAT`.</exception>
    public static Recipe Parse(string json, string source)
    {
        RecipeSchema.Training.Check(json, source);
        Recipe recipe = JsonFile.Deserialize<Recipe>(json, source);
        recipe.Validate(source);
        return recipe;
    }

    /// <summary>Checks every section (e.g. after overrides), throwing <see cref="InvalidDataException"/> that reads `SOURCE: SECTION: WHAT`.</summary>
    public void Validate(string source)
    {
        JsonFile.CheckSection(source, "model", Model.Validate);
        JsonFile.CheckSection(source, "objective", Objective.Validate);
        JsonFile.CheckSection(source, "training", Training.Validate);
        JsonFile.CheckSection(source, "data", Data.Validate);
    }

    /// <summary>The recipe as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonDefaults.Options);

    /// <summary>The recipe as a JSON tree, e.g. to apply overrides.</summary>
    public JsonNode ToJsonNode() => JsonSerializer.SerializeToNode(this, JsonDefaults.Options)!;

    /// <summary>
    /// This recipe with Gaussian noise of standard deviation <paramref name="deviation"/> on the code layer's input
    /// while training (dense models only, for near-binary sigmoid codes).
    /// </summary>
    /// <exception cref="ArgumentException">The model has no code-noise option; the message starts with <paramref name="source"/>.</exception>
    public Recipe WithCodeNoise(double deviation, string source) => Model is Models.Dense.DenseAutoencoderConfig dense
        ? this with { Model = dense with { CodeNoise = deviation } }
        : throw new ArgumentException($"{source}: only dense models have a code-noise option.");
}

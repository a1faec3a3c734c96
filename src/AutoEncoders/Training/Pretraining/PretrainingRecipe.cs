using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Persistence;

namespace AutoEncoders.Training.Pretraining;

/// <summary>
/// A layer-wise pretraining run in one file (JSON or YAML): the stack, each layer's settings (activation,
/// objective with its corruption and penalties, trainer settings), the mode, optional fine-tuning, and the data.
/// `ae pretrain --recipe FILE` runs it.
/// </summary>
public sealed record PretrainingRecipe
{
    /// <summary>Short name.</summary>
    public string? Name { get; init; }

    /// <summary>What the recipe reproduces.</summary>
    public string? Description { get; init; }

    /// <summary>The stack and how each layer is pretrained.</summary>
    public LayerwisePretrainingOptions Pretraining { get; init; } = new();

    /// <summary>The (unlabelled) training data.</summary>
    public DataSource Data { get; init; } = new();

    /// <summary>Reads a recipe from a .json, .yaml or .yml file, with errors that name the file and field.</summary>
    public static PretrainingRecipe Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such pretraining recipe file.", path);
        }

        string text = File.ReadAllText(path);
        bool yaml = Path.GetExtension(path).ToLowerInvariant() is ".yaml" or ".yml";
        string json = yaml ? YamlToJson.Convert(text, path)?.ToJsonString() ?? "null" : text;
        PretrainingRecipe? recipe;
        try
        {
            recipe = JsonSerializer.Deserialize<PretrainingRecipe>(json, JsonDefaults.Options);
        }
        catch (JsonException e)
        {
            string where = e.Path is { Length: > 0 } p ? $"field {p}" : $"line {e.LineNumber + 1}";
            throw new InvalidDataException($"{path}: {where}: {e.Message}", e);
        }

        if (recipe is null)
        {
            throw new InvalidDataException($"{path}: expected a pretraining recipe object with a \"pretraining\" section.");
        }

        try
        {
            recipe.Pretraining.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        return recipe;
    }
}

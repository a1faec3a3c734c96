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
        string json = JsonFile.ReadJsonOrYaml(path, "pretraining recipe");
        RecipeSchema.Pretraining.Check(json, path);
        PretrainingRecipe recipe = JsonFile.Deserialize<PretrainingRecipe>(json, path);
        JsonFile.CheckSection(path, "pretraining", recipe.Pretraining.Validate);
        JsonFile.CheckSection(path, "data", recipe.Data.Validate);
        return recipe;
    }
}

using System.CommandLine;
using AutoEncoders.Cli.Documentation;
using AutoEncoders.Persistence;
using AutoEncoders.Training;
using AutoEncoders.Training.Pretraining;

namespace AutoEncoders.Cli.Commands;

/// <summary>
/// `ae docs cli|recipes|recipe-schema|pretraining-schema` (hidden): prints the generated documentation files,
/// docs/cli.md, docs/recipes.md and the two recipe schemas, from the command and record definitions. Tests compare the committed files with its output.
/// </summary>
internal static class DocsCommand
{
    /// <summary>Where the recipe schema is kept, relative to the repository root.</summary>
    public const string RecipeSchemaPath = "recipes/recipe.schema.json";

    /// <summary>Where the pretraining-recipe schema is kept, relative to the repository root.</summary>
    public const string PretrainingSchemaPath = "recipes/pretraining/pretraining-recipe.schema.json";

    public static Command Create()
    {
        var command = new Command("docs", "Print a generated documentation file (for maintainers).") { Hidden = true };
        command.Subcommands.Add(Printing("cli", "docs/cli.md: the command-line reference.", () => CliReference.Write(AeApplication.CreateRootCommand())));
        command.Subcommands.Add(Printing("recipes", "docs/recipes.md: the recipe reference, from the two schemas.", () => RecipeReference.Write(RecipeSchemaText(), PretrainingSchemaText())));
        command.Subcommands.Add(Printing("recipe-schema", $"{RecipeSchemaPath}: the JSON Schema of `ae train` recipes.", RecipeSchemaText));
        command.Subcommands.Add(Printing("pretraining-schema", $"{PretrainingSchemaPath}: the JSON Schema of `ae pretrain` recipes.", PretrainingSchemaText));
        return command;
    }

    /// <summary>The recipe schema as `ae docs recipe-schema` prints it.</summary>
    public static string RecipeSchemaText() => RecipeSchemaGenerator.Generate(typeof(Recipe), "AutoEncoders recipe (ae train --recipe)");

    /// <summary>The pretraining-recipe schema as `ae docs pretraining-schema` prints it.</summary>
    public static string PretrainingSchemaText() => RecipeSchemaGenerator.Generate(typeof(PretrainingRecipe), "AutoEncoders pretraining recipe (ae pretrain --recipe)");

    private static Command Printing(string name, string description, Func<string> text)
    {
        var command = new Command(name, description);
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(text());
            return 0;
        });
        return command;
    }
}

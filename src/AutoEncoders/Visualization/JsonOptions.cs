using System.Text.Json;
using AutoEncoders.Persistence;

namespace AutoEncoders.Visualization;

/// <summary>JSON settings for one-line summaries in reports: the model-file conventions, not indented.</summary>
internal static class JsonOptions
{
    /// <summary>The <see cref="JsonDefaults"/> options without indentation.</summary>
    public static JsonSerializerOptions Compact { get; } = new(JsonDefaults.Options) { WriteIndented = false };
}

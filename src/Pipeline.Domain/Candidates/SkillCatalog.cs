namespace Pipeline.Domain.Candidates;

/// <summary>
/// Canonical skill names and the spellings feeds use for them. Matching is case-insensitive and ignores
/// surrounding punctuation; a skill we do not know keeps its own (trimmed) spelling.
/// </summary>
public static class SkillCatalog
{
    private static readonly Dictionary<string, string> Canonical = Build(
        ("PyTorch", ["pytorch", "torch", "py torch"]),
        ("TensorFlow", ["tensorflow", "tf", "tensorflow2", "tensorflow 2", "tf2"]),
        ("Keras", ["keras"]),
        ("JAX", ["jax"]),
        ("scikit-learn", ["scikit-learn", "sklearn", "scikit learn", "scikitlearn"]),
        ("Kubernetes", ["kubernetes", "k8s", "kube"]),
        ("Kubeflow", ["kubeflow", "kubeflow pipelines", "kfp"]),
        ("MLflow", ["mlflow", "ml flow"]),
        ("Docker", ["docker", "containers"]),
        ("Python", ["python", "python3", "py"]),
        ("R", ["r", "r language"]),
        ("SQL", ["sql", "postgresql", "postgres", "mysql"]),
        ("Apache Spark", ["spark", "pyspark", "apache spark"]),
        ("pandas", ["pandas"]),
        ("NumPy", ["numpy"]),
        ("Hugging Face Transformers", ["hugging face", "huggingface", "transformers", "hugging face transformers"]),
        ("Large Language Models", ["llm", "llms", "large language models"]),
        ("Natural Language Processing", ["nlp", "natural language processing"]),
        ("Computer Vision", ["computer vision", "cv", "image recognition"]),
        ("Deep Learning", ["deep learning", "dl"]),
        ("Machine Learning", ["machine learning", "ml"]),
        ("Statistics", ["statistics", "stats", "statistical modelling", "statistical modeling"]),
        ("Medical Imaging", ["medical imaging", "healthcare imaging", "medical image analysis", "radiology imaging"]),
        ("DICOM", ["dicom"]),
        ("MONAI", ["monai"]),
        ("AWS SageMaker", ["sagemaker", "aws sagemaker", "amazon sagemaker"]),
        ("Azure Machine Learning", ["azure ml", "azureml", "azure machine learning"]),
        ("Vertex AI", ["vertex ai", "vertex", "google vertex ai"]),
        ("CUDA", ["cuda"]),
        ("ONNX", ["onnx"]),
        ("Time Series", ["time series", "time-series", "timeseries", "forecasting"]),
        ("MLOps", ["mlops", "ml ops"]),
        ("Airflow", ["airflow", "apache airflow"]));

    // Feeds repeat a small vocabulary millions of times; remember answers, up to a bound so odd input cannot grow it forever.
    private const int MaxRemembered = 50_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Remembered = new(StringComparer.Ordinal);

    /// <summary>The canonical name of a skill, or the trimmed input when it is not one we know.</summary>
    public static string Normalize(string skill)
    {
        if (Remembered.TryGetValue(skill, out var known))
        {
            return known;
        }

        var key = Key(skill);
        var result = Canonical.TryGetValue(key, out var canonical) ? canonical : string.Join(' ', skill.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (Remembered.Count < MaxRemembered)
        {
            Remembered.TryAdd(skill, result);
        }

        return result;
    }

    /// <summary>Normalises and de-duplicates a list of skills, keeping first-seen order.</summary>
    public static IReadOnlyList<string> NormalizeAll(IEnumerable<string> skills)
    {
        // A record lists a handful of skills: a linear search beats hashing case-insensitively, until the list is long.
        var result = new List<string>();
        HashSet<string>? seen = null;
        foreach (var raw in skills)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            var skill = Normalize(raw);
            if (skill.Length == 0)
            {
                continue;
            }

            if (seen is null && result.Count >= 16)
            {
                seen = new HashSet<string>(result, StringComparer.OrdinalIgnoreCase);
            }

            if (seen?.Add(skill) ?? !Contains(result, skill))
            {
                result.Add(skill);
            }
        }

        return result;

        static bool Contains(List<string> list, string skill)
        {
            foreach (var s in list)
            {
                if (string.Equals(s, skill, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }

    public static bool SameSkill(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

    private static string Key(string skill) =>
        string.Join(' ', skill.Trim().Trim('.', ',', ';', ':', '*', '-').ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static Dictionary<string, string> Build(params (string Canonical, string[] Spellings)[] entries)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (canonical, spellings) in entries)
        {
            map[Key(canonical)] = canonical;
            foreach (var spelling in spellings)
            {
                map[Key(spelling)] = canonical;
            }
        }

        return map;
    }
}

"""The only Streamlit-aware helpers of lrviz: language, URL state and widgets shared by pages."""

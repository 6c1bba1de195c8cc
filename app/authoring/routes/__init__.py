"""Trainers author courses in the browser: structure, lessons with a live preview, quizzes,
images, publishing with revisions, history and packages (trainers and admins only)."""

from fastapi import APIRouter

from app.authoring.routes import courses, lessons, quizzes

# one router for app/main.py, the pages in the order they were always matched
router = APIRouter()
for _area in (courses, lessons, quizzes):
    router.include_router(_area.router)

"""Each step's question, remembered with the conversation, so it can be asked again.

One mechanism for every flow, instead of a "previous question" written per handler:
while a conversation is in a step, the call middleware `WayOutButton` notes the
question the bot sends for it (text and buttons) in the conversation's data, one entry
per step, in the order the steps were reached. With that:

- ⬅️ Back goes to the step before and sends its question again, keeping every answer
  given so far (answering it again simply replaces that answer);
- ↩️ Continue, after a menu tap put the conversation aside or after a restart, asks
  the current step's question again instead of pointing at a message far above;
- a step reached again (✏️ Change it, a re-asked question) drops the steps after it.

The first message of a step is its question; later messages of the same step replace it
only when they carry buttons (a re-rendered choice, a hint with the choices), so an
error line such as "that is too long" never replaces the question itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup

from bot.states import FRESH_STARTS

QUESTIONS = "_questions"


@dataclass(frozen=True)
class Question:
    step: str
    text: str | None
    markup: dict[str, Any] | None

    def keyboard(self) -> InlineKeyboardMarkup | None:
        return InlineKeyboardMarkup.model_validate(self.markup) if self.markup else None


def questions_of(data: dict[str, Any]) -> list[Question]:
    return [Question(**entry) for entry in data.get(QUESTIONS, [])]


def noted(
    questions: list[Question], step: str, text: str | None, markup: InlineKeyboardMarkup | None
) -> list[Question] | None:
    """The questions with this message noted for `step`, or None when nothing changes."""
    dumped = markup.model_dump(exclude_none=True) if markup is not None else None
    if questions and questions[-1].step == step:
        top = questions[-1]
        replaced = Question(step, text if text is not None else top.text, dumped)
        if dumped is None or replaced == top:
            return None
        return [*questions[:-1], replaced]
    if step in FRESH_STARTS:
        return [Question(step, text, dumped)]
    earlier = next((i for i, q in enumerate(questions) if q.step == step), len(questions))
    return [*questions[:earlier], Question(step, text, dumped)]


async def note(
    state: FSMContext, step: str, text: str | None, markup: InlineKeyboardMarkup | None
) -> int:
    """Note a message sent in `step`; returns how many steps the conversation has."""
    questions = questions_of(await state.get_data())
    changed = noted(questions, step, text, markup)
    if changed is not None:
        await state.update_data({QUESTIONS: [asdict(q) for q in changed]})
        questions = changed
    return len(questions)


async def current_question(state: FSMContext) -> Question | None:
    step = await state.get_state()
    questions = questions_of(await state.get_data())
    if step is None or not questions or questions[-1].step != step or not questions[-1].text:
        return None
    return questions[-1]


async def ask_again(bot: Bot, chat_id: int, state: FSMContext) -> bool:
    """Send the current step's question once more, at the bottom of the chat; False when
    the step has none noted (a conversation from before questions were noted)."""
    question = await current_question(state)
    if question is None:
        return False
    await bot.send_message(chat_id, question.text or "", reply_markup=question.keyboard())
    return True


async def step_back(state: FSMContext, depth: int) -> Question | None:
    """Return to the step before, if `depth` (the number of steps when ⬅️ Back was shown)
    is still the conversation's: a second tap on the same Back does not go back twice."""
    step = await state.get_state()
    questions = questions_of(await state.get_data())
    if (
        step is None
        or len(questions) != depth
        or depth < 2
        or questions[-1].step != step
        or not questions[-2].text
    ):
        return None
    earlier = questions[:-1]
    await state.set_state(earlier[-1].step)
    await state.update_data({QUESTIONS: [asdict(q) for q in earlier]})
    return earlier[-1]
